"""The three lists (三个清单): resources and needs, published by units and committees alike, and the projects that
join them; collection rounds (征集) that ask the units for both; claims (认领) of published needs."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.exceptions import InvalidTransition

from .. import validators
from .registry import Committee, MemberUnit


class Category(models.Model):
    """An entry of the editable taxonomy shared by resources and needs."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, validators=[validators.validate_single_line])
    name_en = models.CharField(
        _("English name"), max_length=80, blank=True, validators=[validators.validate_single_line]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Measure(models.TextChoices):
    PEOPLE = "people", _("persons")
    HOURS = "hours", _("hours")
    SQUARE_METRES = "m2", _("m²")
    YUAN = "yuan", _("yuan")
    ITEMS = "items", _("items")
    SESSIONS = "sessions", _("sessions")


class Reach(models.TextChoices):
    """The widest area a resource may serve or a need may draw from, counted from its owner's committee."""

    COMMUNITY = "community", _("Own community")
    STREET = "street", _("Street")
    DISTRICT = "district", _("District")
    CITY = "city", _("Whole city")


# How many leading digits of the home committee's division code the reach keeps (0: all of Beijing).
REACH_CODE_LENGTH = {Reach.COMMUNITY: 12, Reach.STREET: 9, Reach.DISTRICT: 6, Reach.CITY: 0}
WIDER_REACH = {Reach.COMMUNITY: Reach.STREET, Reach.STREET: Reach.DISTRICT, Reach.DISTRICT: Reach.CITY}


def reach_prefix(home_code: str, reach: str) -> str:
    """The division-code prefix of the area a record reaches; never narrower than its own committee."""
    length = REACH_CODE_LENGTH[reach]
    return home_code[:length] if length < len(home_code) else home_code


@dataclass(frozen=True)
class RowCheck:
    """A check constraint stated once: as SQL for the database (`condition`) and as Python for rows not yet
    written (`holds`), so that the ledger import checks 10,000 rows without a query per row and constraint."""

    kind: str  # the constraint's name after the model's prefix
    field: str  # where a failure is shown
    condition: Q
    holds: Callable[[Any], bool]
    message: Any  # a lazy translation
    code: str | None = None  # the error's code, as a field validator would give it

    def constraint(self, prefix: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=self.condition,
            name=f"{prefix}_{self.kind}",
            violation_error_code=self.code,
            violation_error_message=self.message,
        )


RECORD_CHECKS = (
    RowCheck(
        "one_owner",
        NON_FIELD_ERRORS,
        Q(owner_unit__isnull=False, owner_committee__isnull=True)
        | Q(owner_unit__isnull=True, owner_committee__isnull=False),
        lambda r: (r.owner_unit_id is None) != (r.owner_committee_id is None),
        _("A record is owned by a member unit or by a committee, not both."),
    ),
    RowCheck(
        "allocated_within_quantity",
        "quantity",
        Q(allocated_quantity__lte=F("quantity")),
        lambda r: r.quantity is None or r.allocated_quantity <= r.quantity,
        _("More has been allocated than the quantity."),
    ),
    RowCheck(
        "quantity_positive",
        "quantity",
        Q(quantity__gte=1),
        lambda r: r.quantity is None or r.quantity >= 1,
        _("Enter a quantity of at least 1."),
        "min_value",
    ),
)
RESOURCE_CHECKS = (
    *RECORD_CHECKS,
    RowCheck(
        "window_ordered",
        "available_until",
        Q(available_until__isnull=True)
        | Q(available_from__isnull=True)
        | Q(available_until__gte=F("available_from")),
        lambda r: r.available_from is None
        or r.available_until is None
        or r.available_until >= r.available_from,
        _("The end of availability cannot be before its start."),
    ),
)


class ListRecord(models.Model):
    """What resources and needs share: owner (a unit or a committee), home committee, quantity, reach, status."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        PARTLY_ALLOCATED = "partly_allocated", _("Partly allocated")
        EXHAUSTED = "exhausted", _("Exhausted")
        FULFILLED = "fulfilled", _("Fulfilled")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    # Allowed moves; the allocation-driven ones are set by services.refresh_allocation_status only.
    TRANSITIONS: dict[str, set[str]] = {}
    LIVE_STATUSES = (Status.PUBLISHED, Status.PARTLY_ALLOCATED)
    EDITABLE_STATUSES = (Status.DRAFT, Status.PUBLISHED)

    owner_unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_committee = models.ForeignKey(
        Committee,
        verbose_name=_("owner committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("home committee"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The committee whose list this record is on; its reach is counted from here."),
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100, validators=[validators.validate_single_line])
    description = models.TextField(
        _("description"), max_length=2000, blank=True, validators=[validators.validate_text]
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1, message=_("Enter a quantity of at least 1."))]
    )
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices, default=Measure.ITEMS)
    allocated_quantity = models.PositiveIntegerField(_("allocated"), default=0, editable=False)
    beneficiaries = models.CharField(
        _("beneficiaries"), max_length=200, blank=True, validators=[validators.validate_single_line]
    )
    contact_name = models.CharField(
        _("contact person"), max_length=50, validators=[validators.validate_single_line]
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=30, validators=[validators.validate_phone]
    )
    reach = models.CharField(_("reach"), max_length=10, choices=Reach.choices, default=Reach.STREET)
    reach_prefix = models.CharField(max_length=12, editable=False, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    status_reason = models.CharField(
        _("reason"), max_length=200, blank=True, editable=False, validators=[validators.validate_single_line]
    )
    tokens = models.TextField(
        editable=False, blank=True, help_text="jieba tokens of title and description, for matching"
    )
    collection_request = models.ForeignKey(
        "CollectionRequest",
        verbose_name=_("in answer to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def owner(self):
        return self.owner_unit or self.owner_committee

    @property
    def remaining_quantity(self) -> int:
        return self.quantity - self.allocated_quantity

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    def transition_to(self, status: str, reason: str = "") -> None:
        """Move to a status the lifecycle allows, or raise InvalidTransition with a message for the user."""
        if not self.can_become(status):
            raise InvalidTransition(
                _("A record that is “%(current)s” cannot become “%(target)s”.")
                % {"current": self.Status(self.status).label, "target": self.Status(status).label},
                code="invalid_transition",
            )
        self.status = status
        self.status_reason = reason


S = ListRecord.Status


class Resource(ListRecord):
    ROW_CHECKS = RESOURCE_CHECKS

    """A resource a unit or committee offers (服务资源清单)."""

    class Kind(models.TextChoices):
        PARTY = "party", _("Party-building resource")
        ADMINISTRATIVE = "administrative", _("Administrative resource")
        SOCIAL = "social", _("Social resource")

    class Booking(models.TextChoices):
        FREE = "free", _("Free")
        LOW_COST = "low_cost", _("Low cost")
        APPOINTMENT = "appointment", _("By appointment")

    TRANSITIONS = {
        S.DRAFT: {S.PUBLISHED, S.WITHDRAWN},
        S.PUBLISHED: {S.PARTLY_ALLOCATED, S.EXHAUSTED, S.WITHDRAWN, S.EXPIRED},
        S.PARTLY_ALLOCATED: {S.PUBLISHED, S.EXHAUSTED, S.WITHDRAWN, S.EXPIRED},
        S.EXHAUSTED: {S.PARTLY_ALLOCATED, S.PUBLISHED},
        S.EXPIRED: set(),
        S.WITHDRAWN: set(),
    }

    kind = models.CharField(_("resource kind"), max_length=20, choices=Kind.choices, default=Kind.SOCIAL)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    booking = models.CharField(_("booking"), max_length=20, choices=Booking.choices, default=Booking.FREE)

    history = HistoricalRecords(excluded_fields=["tokens"])

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "category"], name="resource_status_category"),
            # The lists' orders (API: newest first; claim hall, within reach: last published first), read from
            # the index and filtered, instead of sorting every record in scope for a page of 20 or 50.
            models.Index(fields=["-created_at", "-id"], name="resource_newest_first"),
            models.Index(fields=["-published_at", "-id"], name="resource_last_published_first"),
        ]
        constraints = [check.constraint("resource") for check in RESOURCE_CHECKS]


class Need(ListRecord):
    ROW_CHECKS = RECORD_CHECKS

    """A need raised by residents, a unit or a committee (服务需求清单)."""

    class Urgency(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Source(models.TextChoices):
        SURVEY = "survey", _("Survey")
        HOTLINE = "hotline", _("12345 hotline")
        GRID = "grid", _("Grid worker")
        UNIT = "unit", _("Unit report")
        RESIDENT = "resident", _("Resident")

    TRANSITIONS = {
        S.DRAFT: {S.PUBLISHED, S.WITHDRAWN},
        S.PUBLISHED: {S.PARTLY_ALLOCATED, S.FULFILLED, S.WITHDRAWN, S.EXPIRED},
        S.PARTLY_ALLOCATED: {S.PUBLISHED, S.FULFILLED, S.WITHDRAWN, S.EXPIRED},
        S.FULFILLED: {S.PARTLY_ALLOCATED, S.PUBLISHED},
        S.EXPIRED: set(),
        S.WITHDRAWN: set(),
    }

    deadline = models.DateField(_("deadline"), null=True, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    source = models.CharField(_("source channel"), max_length=10, choices=Source.choices, default=Source.UNIT)
    escalated_at = models.DateTimeField(_("last escalated at"), null=True, blank=True, editable=False)
    claim_hall_from = models.DateTimeField(
        _("open to all units from"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Until then only the home committee's member units may claim it."),
    )

    history = HistoricalRecords(excluded_fields=["tokens"])

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "category"], name="need_status_category"),
            # The lists' orders (API: newest first; claim hall, within reach: last published first), read from
            # the index and filtered, instead of sorting every record in scope for a page of 20 or 50.
            models.Index(fields=["-created_at", "-id"], name="need_newest_first"),
            models.Index(fields=["-published_at", "-id"], name="need_last_published_first"),
        ]
        constraints = [check.constraint("need") for check in RECORD_CHECKS]


class ProjectQuerySet(models.QuerySet):
    def late(self, today=None) -> "ProjectQuerySet":
        """Active projects past their planned end (Project.is_late, as a query)."""
        return self.filter(status__in=Project.ACTIVE_STATUSES, ends_on__lt=today or timezone.localdate())


class Project(models.Model):
    """A service project (服务项目清单) joining needs to resources with allocated quantities."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CARRIED_OVER = "carried_over", _("Carried over")
        CANCELLED = "cancelled", _("Cancelled")

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=150, validators=[validators.validate_single_line])
    lead_unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    starts_on = models.DateField(_("planned start"))
    ends_on = models.DateField(_("planned end"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    ACTIVE_STATUSES = (Status.PLANNED, Status.IN_PROGRESS, Status.CARRIED_OVER)

    history = HistoricalRecords()
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="project_dates_ordered",
                violation_error_message=_("The planned end cannot be before the planned start."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_late(self, today=None) -> bool:
        """Active past its planned end: the committee sees it until it is completed or carried over."""
        return self.status in self.ACTIVE_STATUSES and self.ends_on < (today or timezone.localdate())


class Allocation(models.Model):
    """Quantity of one resource given to one need within a project."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="allocations"
    )
    need = models.ForeignKey(
        Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="allocations"
    )
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
        help_text=_("Empty when a unit took the need up by a claim, with means of its own."),
    )
    provider_unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("provider unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "need", "resource"], name="one_allocation_per_pair_and_project"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="allocation_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.need} ← {self.resource} × {self.quantity}"


class Claim(models.Model):
    """A unit taking up a published need by hand (认领); the committee deliberates it like a proposal."""

    class Status(models.TextChoices):
        LIVE = "live", _("Live")
        CANCELLED = "cancelled", _("Cancelled")
        CONVERTED = "converted", _("Taken into deliberation")

    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="claims")
    unit = models.ForeignKey(
        MemberUnit, verbose_name=_("claiming unit"), on_delete=models.PROTECT, related_name="claims"
    )
    note = models.CharField(
        _("how the unit will help"), max_length=500, blank=True, validators=[validators.validate_text]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.LIVE, editable=False
    )
    cancel_reason = models.CharField(
        _("reason for cancelling"), max_length=200, blank=True, validators=[validators.validate_single_line]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("claimed by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "unit"],
                condition=Q(status="live"),
                name="one_live_claim_per_unit_and_need",
                violation_error_message=_("Your unit has already claimed this need."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.need}"


class CollectionRound(models.Model):
    """A round in which a committee asks every current member unit for needs and resources (征集)."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="collection_rounds"
    )
    title = models.CharField(_("title"), max_length=150, validators=[validators.validate_single_line])
    description = models.TextField(_("description"), blank=True, validators=[validators.validate_text])
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    categories = models.ManyToManyField(Category, verbose_name=_("categories asked"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("collection round")
        verbose_name_plural = _("collection rounds")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="round_dates_ordered",
                violation_error_message=_("A round cannot close before it opens."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class CollectionRequest(models.Model):
    """One member unit's request within a round, and its answer."""

    round = models.ForeignKey(
        CollectionRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="requests"
    )
    unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        related_name="collection_requests",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    nothing_this_time = models.BooleanField(_("nothing this time"), default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reminders_sent = models.JSONField(_("reminders sent"), default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("collection request")
        verbose_name_plural = _("collection requests")
        ordering = ["round", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="one_request_per_unit_and_round")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.unit}"


class PersonalDataExport(models.Model):
    """The log of every ledger exported with personal data in full, and why (PIPL)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("exported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True)
    ledger = models.CharField(_("ledger"), max_length=50)
    purpose = models.CharField(_("purpose"), max_length=300, validators=[validators.validate_text])
    rows = models.PositiveIntegerField(_("rows"))
    filters = models.CharField(_("filters"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("unmasked export")
        verbose_name_plural = _("unmasked exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.ledger} · {self.created_at:%Y-%m-%d %H:%M}"
