"""The registry: committees at three levels, member units, their memberships and the seats people hold."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import validators

models.CharField.register_lookup(Length)


class Level(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street / township")
    COMMUNITY = "community", _("Community / village")


PARENT_LEVEL = {Level.STREET: Level.DISTRICT, Level.COMMUNITY: Level.STREET}
CHILD_LEVEL = {Level.DISTRICT: Level.STREET, Level.STREET: Level.COMMUNITY}


class CommitteeQuerySet(models.QuerySet):
    def subtree_of(self, *area_codes: str) -> "CommitteeQuerySet":
        """Committees whose division code starts with one of the codes: the committees and all below them."""
        if not area_codes:
            return self.none()
        condition = Q()
        for code in area_codes:
            condition |= Q(area_code__startswith=code)
        return self.filter(condition)


class Committee(models.Model):
    """A party-building work coordination committee (党建工作协调委员会) of one area."""

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("The area's name, e.g. 北新桥街道."),
        validators=[validators.validate_single_line],
    )
    area_code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        validators=[validators.validate_digits],
        help_text=_(
            "National statistical division code: 6 digits for a district, 9 for a street, 12 for a community."
        ),
    )
    address = models.CharField(
        _("office address"), max_length=200, blank=True, validators=[validators.validate_single_line]
    )
    claim_window_days = models.PositiveSmallIntegerField(
        _("claim window (days)"),
        default=7,
        help_text=_(
            "How long a published need is open only to this committee's member units before the claim hall."
        ),
    )
    escalation_days = models.PositiveSmallIntegerField(
        _("escalation window (days)"),
        default=14,
        help_text=_(
            "A need that finds no taker within this many days is escalated one level up, widening its reach."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = CommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["area_code"]
        indexes = [
            # Subtrees are prefix matches on the division code: LIKE 'code%' needs a pattern index on PostgreSQL.
            models.Index(
                fields=["area_code"], name="committee_code_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(level=Level.DISTRICT, parent__isnull=True, area_code__length=6)
                    | Q(level=Level.STREET, parent__isnull=False, area_code__length=9)
                    | Q(level=Level.COMMUNITY, parent__isnull=False, area_code__length=12)
                ),
                name="committee_level_parent_code",
                violation_error_message=_("The level, parent and division code length do not agree."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return {Level.DISTRICT: 0, Level.STREET: 1, Level.COMMUNITY: 2}[self.level]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        if self.level == Level.DISTRICT:
            if self.parent_id:
                errors.setdefault("parent", []).append(_("A district committee has no parent committee."))
        elif self.level in PARENT_LEVEL:
            if not self.parent_id:
                errors.setdefault("parent", []).append(_("Choose the parent committee."))
            elif self.parent.level != PARENT_LEVEL[self.level]:
                errors.setdefault("parent", []).append(
                    _("The parent of a %(level)s committee must be a %(parent_level)s committee.")
                    % {"level": self.get_level_display(), "parent_level": PARENT_LEVEL[self.level].label}
                )
        if self.area_code and self.level:
            try:
                parent_code = self.parent.area_code if self.parent_id else None
                validators.validate_division_code(self.area_code, self.level, parent_code)
            except ValidationError as error:
                errors.setdefault("area_code", []).extend(error.messages)
        if self.pk and self.area_code:
            original = Committee.objects.filter(pk=self.pk).values_list("area_code", flat=True).first()
            if (
                original
                and original != self.area_code
                and Committee.objects.filter(parent_id=self.pk).exists()
            ):
                errors.setdefault("area_code", []).append(
                    _("This committee has sub-committees; its division code cannot change.")
                )
        if errors:
            raise ValidationError(errors)


class User(AbstractUser):
    """A person: secretary, chair, member, liaison or overseer, by the seats they hold."""

    name = models.CharField(
        _("full name"), max_length=50, blank=True, validators=[validators.validate_single_line]
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validators.validate_phone])

    class EmailDigest(models.TextChoices):
        DIGEST = "digest", _("A daily e-mail with my to-do list and notifications")
        NONE = "none", _("No e-mail")

    email_digest = models.CharField(
        _("e-mail"), max_length=10, choices=EmailDigest.choices, default=EmailDigest.DIGEST
    )
    digest_sent_on = models.DateField(_("last digest sent on"), null=True, blank=True, editable=False)
    registered_by = models.ForeignKey(
        Committee,
        verbose_name=_("registered by committee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registered_people",
        help_text=_(
            "The committee whose secretary registered this person; it may manage them until they hold a seat."
        ),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("people")
        swappable = "AUTH_USER_MODEL"

    def get_full_name(self) -> str:
        return self.name or super().get_full_name() or self.username

    def get_short_name(self) -> str:
        """The admin greets the person by name (欢迎，张敏), not by username."""
        return self.name or super().get_short_name()

    def __str__(self) -> str:
        return f"{self.name} ({self.username})" if self.name else self.username


class UnitKind(models.TextChoices):
    CENTRAL = "central", _("Central unit in the area")
    MUNICIPAL = "municipal", _("Municipal unit")
    DISTRICT = "district", _("District unit")
    DISPATCHED = "dispatched", _("Dispatched agency")
    STATE_OWNED = "state_owned", _("State-owned enterprise")
    NON_PUBLIC = "non_public", _("Non-public enterprise")
    SOCIAL = "social", _("Social organisation")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution (school, hospital)")


class MemberUnit(models.Model):
    """A unit in the area that sits on one or more committees (成员单位)."""

    name = models.CharField(_("unit name"), max_length=200, validators=[validators.validate_single_line])
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validators.validate_credit_code],
        error_messages={"unique": _("A unit with this credit code is already registered.")},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    party_org_name = models.CharField(
        _("party organisation"), max_length=200, blank=True, validators=[validators.validate_single_line]
    )
    party_member_count = models.PositiveIntegerField(_("party members"), default=0)
    address = models.CharField(
        _("address"), max_length=200, blank=True, validators=[validators.validate_single_line]
    )
    contact_name = models.CharField(
        _("contact person"), max_length=50, validators=[validators.validate_single_line]
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=30, validators=[validators.validate_phone]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(credit_code__length=18), name="unit_credit_code_18_chars"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()


class CurrentQuerySet(models.QuerySet):
    def current(self, on=None) -> "CurrentQuerySet":
        """Rows in force on a date (today by default): started, and not ended before it."""
        day = on or timezone.localdate()
        return self.filter(Q(since__lte=day), Q(until__isnull=True) | Q(until__gte=day))


class Membership(models.Model):
    """A member unit's place on a committee (a unit can sit on committees at several levels)."""

    class Role(models.TextChoices):
        CHAIR_UNIT = "chair_unit", _("Chair unit")
        VICE_CHAIR_UNIT = "vice_chair_unit", _("Vice-chair unit")
        MEMBER_UNIT = "member_unit", _("Member unit")

    unit = models.ForeignKey(
        MemberUnit, verbose_name=_("member unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER_UNIT)
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Leave empty while the unit is a member.")
    )

    history = HistoricalRecords()
    objects = CurrentQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["committee__area_code", "role", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "committee"],
                condition=Q(until__isnull=True),
                name="one_open_membership_per_unit_and_committee",
                violation_error_message=_("This unit is already a member of this committee."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="membership_until_after_since",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} @ {self.committee}"


class Seat(models.Model):
    """A person's seat on a committee; roles in the product follow from current seats."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice chair")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary")
        LIAISON = "liaison", _("Liaison")
        OVERSEER = "overseer", _("Overseer")

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="seats"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="seats"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("representing unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seats",
        help_text=_("Leave empty for a party-member representative."),
    )
    position = models.CharField(
        _("position"),
        max_length=100,
        blank=True,
        help_text=_("The person's post, e.g. 街道工委书记."),
        validators=[validators.validate_single_line],
    )
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Leave empty while the seat is held.")
    )

    history = HistoricalRecords()
    objects = CurrentQuerySet.as_manager()

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["committee__area_code", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(role="chair", until__isnull=True),
                name="one_current_chair_per_committee",
                violation_error_message=_(
                    "This committee already has a chair; end the current chair's seat first."
                ),
            ),
            models.UniqueConstraint(
                fields=["committee", "user", "role"],
                condition=Q(until__isnull=True),
                name="one_open_seat_per_person_role_committee",
                violation_error_message=_("This person already holds this seat on this committee."),
            ),
            models.CheckConstraint(
                condition=~Q(role="liaison") | Q(unit__isnull=False),
                name="liaison_seat_has_unit",
                violation_error_message=_("A liaison acts for a member unit: choose the unit."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="seat_until_after_since",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        person = self.user.get_full_name() or self.user.get_username()
        return f"{self.committee} · {self.get_role_display()} · {person}"

    def clean(self) -> None:
        super().clean()
        if not self.committee_id or not self.role:
            return
        if self.role == self.Role.OVERSEER and self.committee.level != Level.DISTRICT:
            raise ValidationError({"role": _("Overseers sit on district committees only.")})
        if self.role == self.Role.LIAISON and self.unit_id:
            is_member = Membership.objects.current().filter(
                unit_id=self.unit_id, committee_id=self.committee_id
            )
            if not is_member.exists():
                raise ValidationError(
                    {"unit": _("A liaison's unit must be a current member of this committee.")}
                )
        if self.role == self.Role.CHAIR and self.until is None:
            other_chairs = Seat.objects.filter(
                committee_id=self.committee_id, role=self.Role.CHAIR, until__isnull=True
            )
            if other_chairs.exclude(pk=self.pk).exists():
                raise ValidationError(
                    {"role": _("This committee already has a chair; end the current chair's seat first.")}
                )


class Notification(models.Model):
    """Something a person must act on (accept, vote, attend), shown in the app and sent by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # What the notification is about, so that doing the thing marks it done (see notifications.resolve).
    subject_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("about (type)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
            models.Index(fields=["subject_type", "subject_id"], name="notification_subject"),
        ]

    def __str__(self) -> str:
        return self.message
