"""Departments and their local stations (职能部门、科站队所): district-level actors that streets and communities
summon (吹哨) and that must report (报到); the streets each covers, and the people on duty for them (专人)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import validators
from .registry import Committee, CurrentQuerySet, Level


class Department(models.Model):
    """A district department (区交通委, 区城管委) or one of its local stations (城管执法队, 派出所, 市场监管所, 房管所)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Functional department")
        STATION = "station", _("Local station")

    name = models.CharField(
        _("department name"), max_length=100, validators=[validators.validate_single_line]
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DEPARTMENT)
    district = models.ForeignKey(
        Committee,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="departments",
        limit_choices_to={"level": Level.DISTRICT},
    )
    streets = models.ManyToManyField(
        Committee,
        verbose_name=_("streets covered"),
        blank=True,
        related_name="covering_departments",
        limit_choices_to={"level": Level.STREET},
        help_text=_("The streets this department or station serves; their communities may summon it too."),
    )
    duty_phone = models.CharField(
        _("duty phone"),
        max_length=30,
        blank=True,
        validators=[validators.validate_phone],
        help_text=_("The office's duty line (not a person's own number)."),
    )
    address = models.CharField(
        _("office address"), max_length=200, blank=True, validators=[validators.validate_single_line]
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["district__area_code", "kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"],
                name="one_department_name_per_district",
                violation_error_message=_("This district already has a department of this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.district_id and self.district.level != Level.DISTRICT:
            raise ValidationError({"district": _("A department belongs to a district.")})


class DutySeat(models.Model):
    """A person acting for a department: the person on duty (专人, reports and handles summons) or its leadership
    contact (told when the department misses a deadline). Like a committee seat, current while `until` is empty."""

    class Role(models.TextChoices):
        ON_DUTY = "on_duty", _("Person on duty")
        LEADER = "leader", _("Leadership contact")

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="duty_seats"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="duty_seats",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.ON_DUTY)
    position = models.CharField(
        _("position"), max_length=100, blank=True, validators=[validators.validate_single_line]
    )
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(
        _("until"),
        null=True,
        blank=True,
        help_text=_("Leave empty while the person acts for the department."),
    )

    history = HistoricalRecords()
    objects = CurrentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department duty seat")
        verbose_name_plural = _("department duty seats")
        ordering = ["department__name", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "user", "role"],
                condition=Q(until__isnull=True),
                name="one_open_duty_seat_per_person_role",
                violation_error_message=_("This person already holds this role for the department."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="duty_seat_until_after_since",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        person = self.user.get_full_name() or self.user.get_username()
        return f"{self.department} · {self.get_role_display()} · {person}"
