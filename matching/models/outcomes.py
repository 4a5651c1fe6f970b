"""What follows confirmation: project progress (updates, milestones, carry-overs), two-way evaluation,
the committees' indicator trees, the computed figures and the published results (通报)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committees import validators
from committees.models import Committee, MemberUnit, Project
from matching.photos import validate_photo


class ProjectUpdate(models.Model):
    """A progress report on a project, by either side (双向沟通反馈)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="updates"
    )
    unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("reporting unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the committee's secretary reports."),
    )
    text = models.TextField(_("progress"), max_length=2000, validators=[validators.validate_text])
    photo = models.FileField(
        _("photo"), upload_to="project-updates/%Y/%m/", blank=True, validators=[validate_photo]
    )
    # The reporting unit (or the secretary) chose to show the photo on the public notice (公示).
    photo_is_public = models.BooleanField(
        _("photo shown on the public notice"), default=False, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:50]


class Milestone(models.Model):
    """A step of a project that the lead unit marks when done."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=100, validators=[validators.validate_single_line])
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Cancellation(models.Model):
    """A project that will not happen, cancelled by its committee with a reason: who, when and why. Its allocations
    stay as the record of what it was; their quantity went back to the needs and resources."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="cancellation"
    )
    reason = models.CharField(_("reason for cancelling"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cancelled by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("cancelled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cancellation")
        verbose_name_plural = _("cancellations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="cancellation_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.reason}"


class CarryOver(models.Model):
    """A project unfinished by its planned end, carried over with a reason and a new date (never dropped)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="carry_overs"
    )
    previous_end = models.DateField(_("previous planned end"))
    new_end = models.DateField(_("new planned end"))
    reason = models.CharField(
        _("reason it is unfinished"), max_length=300, validators=[validators.validate_text]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("carried over by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("carried over at"), auto_now_add=True)

    class Meta:
        verbose_name = _("carry-over")
        verbose_name_plural = _("carry-overs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_end__gt=F("previous_end")),
                name="carry_over_moves_the_end_later",
                violation_error_message=_("The new date must be later than the previous planned end."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} → {self.new_end:%Y-%m-%d}"


class Evaluation(models.Model):
    """One side's rating of the other once a project is completed (双向考核评价). The other side sees it only
    when both are in or the evaluation window has closed (revealed_at)."""

    class Side(models.TextChoices):
        NEED = "need", _("Need side: rates the service")
        PROVIDER = "provider", _("Provider side: rates the cooperation")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="evaluations"
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    rater_unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("rating unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations_given",
        help_text=_("Empty when a committee raised the need and its secretary rates."),
    )
    rated_unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("rated unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations_received",
    )
    score = models.PositiveSmallIntegerField(_("rating (1–5)"), choices=[(n, str(n)) for n in range(1, 6)])
    comment = models.TextField(
        _("comment"), max_length=1000, blank=True, validators=[validators.validate_text]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)
    revealed_at = models.DateTimeField(_("shown to the other side at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "side"],
                name="one_evaluation_per_project_and_side",
                violation_error_message=_("This side has already evaluated the project."),
            ),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="evaluation_score_1_to_5"),
        ]
        indexes = [models.Index(fields=["revealed_at", "side"], name="evaluation_revealed_side")]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_side_display()} · {self.score}"


class IndicatorTree(models.Model):
    """A committee's weighted assessment system for one year (categories → indicators → sub-items)."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="indicator_trees"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=100, validators=[validators.validate_single_line])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("indicator system")
        verbose_name_plural = _("indicator systems")
        ordering = ["-year", "committee__area_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year"], name="one_indicator_tree_per_committee_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.year} · {self.title}"


class Indicator(models.Model):
    """A node of the tree. Weights count among siblings; leaves are scored by the secretary or computed."""

    class Kind(models.TextChoices):
        GROUP = "group", _("Group of indicators")
        MANUAL = "manual", _("Scored by the secretary")
        AUTOMATIC = "automatic", _("Computed from the work done")

    class Metric(models.TextChoices):
        PROJECTS_COMPLETED = "projects_completed", _("Projects completed as provider (against the best unit)")
        RATING = "rating", _("Ratings received (reputation)")
        SATISFACTION = "satisfaction", _("Share of ratings of 4 or 5")
        RESOURCES_OFFERED = "resources_offered", _("Resources published (against the best unit)")
        ROUNDS_ANSWERED = "rounds_answered", _("Collection rounds answered")
        RESIDENT_SATISFACTION = "residents", _("Residents' satisfaction (ratings and surveys)")

    tree = models.ForeignKey(
        IndicatorTree, verbose_name=_("indicator system"), on_delete=models.CASCADE, related_name="indicators"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    name = models.CharField(_("indicator"), max_length=100, validators=[validators.validate_single_line])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MANUAL)
    metric = models.CharField(_("computed from"), max_length=20, choices=Metric.choices, blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, help_text=_("Relative to its siblings.")
    )
    max_score = models.DecimalField(_("full marks"), max_digits=6, decimal_places=2, default=100)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["tree", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0, max_score__gt=0), name="indicator_weight_and_marks_positive"
            ),
            models.CheckConstraint(
                condition=~Q(kind="automatic", metric=""), name="automatic_indicator_has_metric"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.kind == self.Kind.AUTOMATIC and not self.metric:
            raise ValidationError({"metric": _("Choose what a computed indicator is computed from.")})
        if self.parent_id and self.parent.tree_id != self.tree_id:
            raise ValidationError({"parent": _("The parent indicator belongs to another system.")})


class IndicatorScore(models.Model):
    """The secretary's score of one unit on one manual indicator, with its evidence."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="scores"
    )
    unit = models.ForeignKey(
        MemberUnit, verbose_name=_("member unit"), on_delete=models.PROTECT, related_name="indicator_scores"
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    evidence = models.TextField(_("evidence"), max_length=2000, validators=[validators.validate_text])
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scored by"), on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit"], name="one_score_per_indicator_and_unit"),
            models.CheckConstraint(condition=Q(score__gte=0), name="indicator_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.indicator} · {self.score}"


class CommitteeFigures(models.Model):
    """A committee subtree's figures for one period ("2026" or "2026-11"), written by a scheduled job.
    Counts are stored and the rates derived, so a reader can check every rate."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="figures"
    )
    period = models.CharField(_("period"), max_length=7)
    needs_raised = models.PositiveIntegerField(_("needs raised"), default=0)
    needs_responded = models.PositiveIntegerField(_("needs answered in time"), default=0)
    needs_resolved = models.PositiveIntegerField(_("needs resolved"), default=0)
    ratings = models.PositiveIntegerField(_("service ratings"), default=0)
    ratings_satisfied = models.PositiveIntegerField(_("ratings of 4 or 5"), default=0)
    median_days_to_confirm = models.FloatField(_("median days to confirmation"), null=True, blank=True)
    median_days_to_complete = models.FloatField(_("median days to completion"), null=True, blank=True)
    units = models.PositiveIntegerField(_("member units"), default=0)
    units_participating = models.PositiveIntegerField(_("units taking part"), default=0)
    committees = models.PositiveIntegerField(_("committees"), default=0)
    committees_compliant = models.PositiveIntegerField(_("committees with two plenaries"), default=0)
    # 双报到 (definitions in matching/outcomes/figures.py)
    organisations_reported = models.PositiveIntegerField(_("organisations reported"), default=0)
    members_reported = models.PositiveIntegerField(_("party members reported"), default=0)
    members_active = models.PositiveIntegerField(_("party members who served"), default=0)
    service_hours = models.FloatField(_("hours served"), default=0)
    tasks_due = models.PositiveIntegerField(_("community tasks"), default=0)
    tasks_filled_on_time = models.PositiveIntegerField(_("tasks filled before their start"), default=0)

    # Residents' satisfaction (居民满意率), apart from the units' ratings: their ratings and survey answers.
    resident_ratings = models.PositiveIntegerField(_("residents' ratings"), default=0)
    resident_ratings_satisfied = models.PositiveIntegerField(_("residents' ratings of 4 or 5"), default=0)
    survey_answers = models.PositiveIntegerField(_("survey answers"), default=0)
    survey_answers_satisfied = models.PositiveIntegerField(_("survey answers averaging 4 or more"), default=0)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("committee figures")
        verbose_name_plural = _("committee figures")
        ordering = ["committee__area_code", "period"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "period"], name="one_figures_row_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.period}"

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 2) if whole else None

    @property
    def response_rate(self) -> float | None:
        return self._rate(self.needs_responded, self.needs_raised)

    @property
    def resolution_rate(self) -> float | None:
        return self._rate(self.needs_resolved, self.needs_raised)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.ratings_satisfied, self.ratings)

    @property
    def participation_rate(self) -> float | None:
        return self._rate(self.units_participating, self.units)

    @property
    def compliance_rate(self) -> float | None:
        return self._rate(self.committees_compliant, self.committees)

    @property
    def resident_satisfaction_rate(self) -> float | None:
        return self._rate(
            self.resident_ratings_satisfied + self.survey_answers_satisfied,
            self.resident_ratings + self.survey_answers,
        )


class UnitReputation(models.Model):
    """A unit's Bayesian average of the ratings it received; the matcher's score reads it."""

    unit = models.OneToOneField(
        MemberUnit, verbose_name=_("member unit"), on_delete=models.CASCADE, related_name="reputation"
    )
    ratings = models.PositiveIntegerField(_("ratings received"), default=0)
    rating_sum = models.PositiveIntegerField(_("sum of ratings"), default=0)
    score = models.FloatField(_("reputation (0–5)"))
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("unit reputation")
        verbose_name_plural = _("unit reputations")

    def __str__(self) -> str:
        return f"{self.unit} · {self.score:.2f}"


class Publication(models.Model):
    """The published results (通报) of a committee for an ended period, frozen as a snapshot."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="publications"
    )
    period = models.CharField(_("period"), max_length=7)
    snapshot = models.JSONField(_("published figures"), editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("published results")
        verbose_name_plural = _("published results")
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "period"], name="one_publication_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.period}"
