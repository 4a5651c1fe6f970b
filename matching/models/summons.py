"""吹哨报到: a street's or community's summons (one notice for one matter), each summoned department's part
(报到, handling, the street's rating) and its handling records, and each committee's default deadlines."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committees import validators
from committees.models import Committee, Department, Need
from matching.photos import validate_photo


class SummonsRules(models.Model):
    """A committee's default deadlines for its summons (editable per summons). Urgent (应急) summons count in
    hours; ordinary ones in working days (Monday to Friday; public holidays are not known to the product)."""

    committee = models.OneToOneField(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="summons_rules"
    )
    urgent_report_hours = models.PositiveSmallIntegerField(_("urgent: hours to report"), default=2)
    urgent_resolve_hours = models.PositiveSmallIntegerField(_("urgent: hours to resolve"), default=24)
    ordinary_report_days = models.PositiveSmallIntegerField(_("ordinary: working days to report"), default=1)
    ordinary_resolve_days = models.PositiveSmallIntegerField(
        _("ordinary: working days to resolve"), default=5
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("summons deadlines")
        verbose_name_plural = _("summons deadlines")
        constraints = [
            models.CheckConstraint(
                condition=Q(urgent_report_hours__gte=1, ordinary_report_days__gte=1),
                name="summons_rules_report_at_least_one",
            ),
        ]

    def __str__(self) -> str:
        return str(self.committee)


class Summons(models.Model):
    """One notice for one matter (一事一通知), raised by a committee's secretary to the departments it summons."""

    class Category(models.TextChoices):
        TRAFFIC = "traffic", _("Traffic and parking")
        CITY = "city", _("City management and environment")
        SAFETY = "safety", _("Public security")
        MARKET = "market", _("Market supervision")
        HOUSING = "housing", _("Housing and property")
        EMERGENCY = "emergency", _("Emergency")
        OTHER = "other", _("Other")

    class Urgency(models.TextChoices):
        URGENT = "urgent", _("Urgent (in hours)")
        ORDINARY = "ordinary", _("Ordinary (in working days)")

    class Status(models.TextChoices):
        OPEN = "open", _("Being handled")
        RESOLVED = "resolved", _("Closed: resolved")
        UNRESOLVED = "unresolved", _("Closed: not resolved")
        PASSED_UP = "passed_up", _("Passed up to the committee above")

    CLOSED_STATUSES = (Status.RESOLVED, Status.UNRESOLVED, Status.PASSED_UP)

    committee = models.ForeignKey(
        Committee, verbose_name=_("summoning committee"), on_delete=models.PROTECT, related_name="summonses"
    )
    title = models.CharField(_("matter"), max_length=120, validators=[validators.validate_single_line])
    description = models.TextField(
        _("details"), max_length=2000, blank=True, validators=[validators.validate_text]
    )
    place = models.CharField(_("place"), max_length=200, validators=[validators.validate_single_line])
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ORDINARY)
    report_due_at = models.DateTimeField(_("report by"))
    resolve_due_at = models.DateTimeField(_("resolve by"))
    need = models.OneToOneField(
        Need,
        verbose_name=_("from need"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="summons",
        help_text=_("The need no unit could take, if the summons was raised from one."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, editable=False
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    closing_note = models.TextField(
        _("closing note"), max_length=1000, blank=True, validators=[validators.validate_text]
    )
    # A matter beyond the committee goes up one level (community → street → district), as needs escalate: this
    # summons is closed as passed up and the committee above holds the new one.
    passed_up_to = models.OneToOneField(
        "self",
        verbose_name=_("passed up as"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="passed_up_from",
        editable=False,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("summons")
        verbose_name_plural = _("summonses")
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["raised_at"], name="summons_raised_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolve_due_at__gte=models.F("report_due_at")),
                name="summons_resolve_after_report",
                violation_error_message=_("The deadline to resolve cannot be before the deadline to report."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class SummonsPart(models.Model):
    """One summoned department's part in a summons: its report (报到), its handling, and the street's rating."""

    class Status(models.TextChoices):
        SUMMONED = "summoned", _("Summoned, not reported")
        REPORTED = "reported", _("Reported, handling")
        DONE = "done", _("Done")
        UNABLE = "unable", _("Cannot handle")

    TRANSITIONS = {
        Status.SUMMONED: {Status.REPORTED},
        Status.REPORTED: {Status.DONE, Status.UNABLE},
        Status.DONE: set(),
        Status.UNABLE: set(),
    }
    OPEN_STATUSES = (Status.SUMMONED, Status.REPORTED)
    SCORES = [(score, str(score)) for score in range(1, 6)]

    summons = models.ForeignKey(
        Summons, verbose_name=_("summons"), on_delete=models.CASCADE, related_name="parts"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="summons_parts"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUMMONED, editable=False
    )
    # Whom the department sends (personal data: masked to all but the summoning committee and the department).
    attendee_name = models.CharField(
        _("person coming"), max_length=50, blank=True, validators=[validators.validate_single_line]
    )
    attendee_phone = models.CharField(
        _("their phone"), max_length=30, blank=True, validators=[validators.validate_phone]
    )
    reported_at = models.DateTimeField(_("report time"), null=True, blank=True, editable=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, editable=False)
    unable_reason = models.TextField(
        _("why it cannot be handled"), max_length=1000, blank=True, validators=[validators.validate_text]
    )
    # Set once each, so that the reminder and the escalation go out once (see matching.summons.chase).
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, editable=False)
    timeliness = models.PositiveSmallIntegerField(_("timeliness"), null=True, blank=True, choices=SCORES)
    attitude = models.PositiveSmallIntegerField(_("attitude"), null=True, blank=True, choices=SCORES)
    result = models.PositiveSmallIntegerField(_("result"), null=True, blank=True, choices=SCORES)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("summoned department")
        verbose_name_plural = _("summoned departments")
        ordering = ["summons_id", "department__name", "pk"]
        indexes = [models.Index(fields=["department", "status"], name="summons_part_department_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["summons", "department"],
                name="one_part_per_department_and_summons",
                violation_error_message=_("This department is already summoned for this matter."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(timeliness__isnull=True, attitude__isnull=True, result__isnull=True)
                    | Q(
                        timeliness__gte=1,
                        timeliness__lte=5,
                        attitude__gte=1,
                        attitude__lte=5,
                        result__gte=1,
                        result__lte=5,
                    )
                ),
                name="summons_part_ratings_1_to_5",
                violation_error_message=_("Rate timeliness, attitude and result from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.summons} · {self.department}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def reported_on_time(self) -> bool:
        return self.reported_at is not None and self.reported_at <= self.summons.report_due_at

    @property
    def rating_mean(self) -> float | None:
        if self.timeliness is None:
            return None
        return round((self.timeliness + self.attitude + self.result) / 3, 2)


class SummonsRecord(models.Model):
    """What a department did on a summons: text and an optional photo (re-encoded, as project progress)."""

    part = models.ForeignKey(
        SummonsPart, verbose_name=_("summoned department"), on_delete=models.CASCADE, related_name="records"
    )
    text = models.TextField(_("what was done"), max_length=2000, validators=[validators.validate_text])
    photo = models.FileField(_("photo"), upload_to="summons/%Y/%m/", blank=True, validators=[validate_photo])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("handling record")
        verbose_name_plural = _("handling records")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:50]


class DepartmentFigures(models.Model):
    """A department's assessment figures (考核评价) for one period, written by the nightly figures pass beside the
    committees' figures. Counts are stored and the rates derived (definitions: matching/outcomes/figures.py)."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="figures"
    )
    period = models.CharField(_("period"), max_length=7)
    summons_received = models.PositiveIntegerField(_("summons received"), default=0)
    reported_on_time = models.PositiveIntegerField(_("reported on time"), default=0)
    resolved = models.PositiveIntegerField(_("handled"), default=0)
    ratings = models.PositiveIntegerField(_("ratings by the streets"), default=0)
    ratings_satisfied = models.PositiveIntegerField(_("satisfied ratings"), default=0)
    median_hours_to_report = models.FloatField(_("median hours to report"), null=True, blank=True)
    median_hours_to_resolve = models.FloatField(_("median hours to handle"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("department figures")
        verbose_name_plural = _("department figures")
        ordering = ["department__name", "period"]
        constraints = [
            models.UniqueConstraint(fields=["department", "period"], name="one_department_figures_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.period}"

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 2) if whole else None

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.reported_on_time, self.summons_received)

    @property
    def resolution_rate(self) -> float | None:
        return self._rate(self.resolved, self.summons_received)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.ratings_satisfied, self.ratings)
