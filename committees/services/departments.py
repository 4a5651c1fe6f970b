"""State changes of the departments' register (吹哨报到): departments and stations, the streets they cover, and the
people acting for them. Kept by the district's secretaries; admin, API, the demo and tests call these."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from committees import scoping
from committees.models import Committee, Department, DutySeat, Level

DEPARTMENT_FIELDS = ("name", "kind", "duty_phone", "address", "is_active")


def check_department(*, by, district: Committee, streets) -> None:
    """The district is one the user manages, and every street covered lies in it."""
    if district is None or district.level != Level.DISTRICT:
        raise ValidationError({"district": _("A department belongs to a district.")})
    scoping.require_manages_committee(by, district)
    for street in streets:
        if street.level != Level.STREET or street.parent_id != district.pk:
            raise ValidationError({"streets": _("A department covers streets of its own district.")})


def save_department(
    *, by, department: Department | None = None, district=None, streets=(), **fields
) -> Department:
    """Register a department (department=None) or change one; its streets are set to `streets`."""
    unknown = set(fields) - set(DEPARTMENT_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be set: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if department is not None:
        scoping.require_change(by, department)
        district = department.district
    streets = list(streets)
    check_department(by=by, district=district, streets=streets)
    with transaction.atomic():
        if department is None:
            department = Department(district=district)
        else:
            department = Department.objects.select_for_update().get(pk=department.pk)
        for name, value in fields.items():
            setattr(department, name, value.strip() if isinstance(value, str) else value)
        department.full_clean()
        department._history_user = by
        department.save()
        department.streets.set(streets)
    return department


def check_new_duty_seat(*, by, department: Department, user) -> None:
    if not scoping.manages_department(by, department):
        raise PermissionDenied
    if user.is_superuser:
        raise ValidationError({"user": _("An administrator cannot act for a department.")})


def add_duty_seat(
    *, by, department: Department, user, role: str = DutySeat.Role.ON_DUTY, position: str = "", since=None
) -> DutySeat:
    """Name a person on duty (专人) or a leadership contact for a department."""
    check_new_duty_seat(by=by, department=department, user=user)
    seat = DutySeat(department=department, user=user, role=role, position=position.strip())
    if since is not None:
        seat.since = since
    seat.full_clean()
    seat._history_user = by
    try:
        with transaction.atomic():
            seat.save()
    except IntegrityError as error:
        raise ValidationError(_("This person already holds this role for the department.")) from error
    return seat


def end_duty_seats(*, seats: QuerySet[DutySeat], by, on: datetime.date) -> int:
    """End open duty seats (a person leaving the post); the seat stays in the department's history."""
    ended = 0
    with transaction.atomic():
        for seat in (seats & scoping.duty_seats_to_manage(by)).select_for_update().filter(until__isnull=True):
            seat.until = max(on, seat.since)
            seat._history_user = by
            seat.save(update_fields=["until"])
            ended += 1
    return ended
