"""The departments' register as an xlsx ledger (吹哨报到), like the other registers: the departments given (already
scoped by the caller's queryset), the streets each covers and the people acting for it (names and posts, as seats
are shown; no one's own phone)."""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _

from committees.models import Department, DutySeat

from .workbook import build_workbook, dated_filename, xlsx_response


def departments_response(queryset) -> HttpResponse:
    seats = DutySeat.objects.current().select_related("user").order_by("role", "pk")
    departments = (
        queryset.select_related("district")
        .prefetch_related("streets", Prefetch("duty_seats", queryset=seats, to_attr="current_seats"))
        .order_by("district__area_code", "kind", "name", "pk")
    )
    field = Department._meta.get_field
    headers = [
        field("name").verbose_name,
        field("kind").verbose_name,
        field("district").verbose_name,
        field("streets").verbose_name,
        field("duty_phone").verbose_name,
        field("address").verbose_name,
        field("is_active").verbose_name,
        _("People acting for it"),
    ]
    rows = (
        [
            department.name,
            department.get_kind_display(),
            department.district.name,
            "、".join(street.name for street in department.streets.all()),
            department.duty_phone,
            department.address,
            _("Yes") if department.is_active else _("No"),
            "；".join(
                f"{seat.get_role_display()}：{seat.user.get_full_name()}" for seat in department.current_seats
            ),
        ]
        for department in departments
    )
    name = str(_("Departments and stations"))
    return xlsx_response(build_workbook(name, [str(h) for h in headers], rows), dated_filename(name))
