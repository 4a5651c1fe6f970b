"""Spreadsheet ledgers (台账): xlsx exports with Chinese headers, a numbered first column, A4 layout."""

import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .models import MemberUnit

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """A text cell starting like a formula gets a leading apostrophe, so a spreadsheet shows it, never runs it."""
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


def build_workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([_("No."), *headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *(neutralise(value) for value in row)])
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 6
    for index in range(2, len(headers) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 20
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.print_title_rows = "1:1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


def member_units_response(units) -> HttpResponse:
    """The member-unit ledger of the units given (already scoped by the caller's queryset)."""
    headers = [
        MemberUnit._meta.get_field(name).verbose_name
        for name in [
            "name",
            "credit_code",
            "kind",
            "party_org_name",
            "party_member_count",
            "address",
            "contact_name",
            "contact_phone",
        ]
    ]
    rows = (
        [
            u.name,
            u.credit_code,
            u.get_kind_display(),
            u.party_org_name,
            u.party_member_count,
            u.address,
            u.contact_name,
            u.contact_phone,
        ]
        for u in units.order_by("name", "pk")
    )
    content = build_workbook(str(_("Member units")), [str(h) for h in headers], rows)
    filename = f"{_('Member unit ledger')}-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(content, filename)
