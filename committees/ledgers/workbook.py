"""The xlsx form every ledger (台账) shares: Chinese headers, a numbered first column, A4 landscape, and cells that
a spreadsheet shows and never runs."""

import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """A text cell starting like a formula gets a leading apostrophe, so a spreadsheet shows it, never runs it.
    Control characters that xlsx cannot hold are dropped (openpyxl refuses the whole file for one of them;
    the models refuse them on entry, but older rows and direct writes may still hold some)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_TRIGGERS):
            return "'" + value
    return value


def _fill_sheet(sheet, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
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


def build_workbook(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    more_sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]] = (),
) -> bytes:
    """One sheet per (title, headers, rows), each with a numbered first column, bold headers, A4 landscape."""
    workbook = Workbook(write_only=False)
    _fill_sheet(workbook.active, title, headers, rows)
    for sheet_title, sheet_headers, sheet_rows in more_sheets:
        _fill_sheet(workbook.create_sheet(), sheet_title, sheet_headers, sheet_rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    add_never_cache_headers(response)  # a ledger names people and units: no browser or proxy keeps a copy
    return response


def dated_filename(name: str) -> str:
    """需求清单台账-20261123.xlsx: the ledger's name and today's date."""
    return f"{name}-{timezone.localdate():%Y%m%d}.xlsx"
