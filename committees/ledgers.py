"""Spreadsheet ledgers (台账): xlsx exports with Chinese headers, a numbered first column and A4 layout, and the
import of resources and needs from sheets laid out the same way."""

import datetime
import io
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from . import masking, scoping, services
from .models import (
    Allocation,
    Category,
    Measure,
    MemberUnit,
    Need,
    PersonalDataExport,
    Project,
    Reach,
    Resource,
)

logger = logging.getLogger(__name__)

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """A text cell starting like a formula gets a leading apostrophe, so a spreadsheet shows it, never runs it."""
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
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
    return xlsx_response(content, dated_filename(_("Member unit ledger")))


# --- The lists: resources, needs and projects --------------------------------------------------------------------

LEDGER_NAMES = {
    Resource: gettext_lazy("Resource list ledger"),
    Need: gettext_lazy("Needs list ledger"),
    Project: gettext_lazy("Project list ledger"),
}
MIN_PURPOSE_LENGTH = 6  # long enough to say what for (核对联系方式), too long for a bare 工作需要


@dataclass(frozen=True)
class Column:
    header: Any  # a lazy translation, resolved when the file is built
    value: Callable[[Any], Any]
    personal: str = ""  # the personal field (masking.PERSONAL_FIELDS) the column shows, if any


def _field(model, name: str) -> Column:
    personal = name if name in masking.PERSONAL_FIELDS else ""
    return Column(model._meta.get_field(name).verbose_name, lambda obj: getattr(obj, name), personal)


def _choice(model, name: str) -> Column:
    # The labels once per file: get_FOO_display() rebuilds and translates the whole choice list on every call.
    field = model._meta.get_field(name)
    labels = {value: str(label) for value, label in field.flatchoices}
    return Column(field.verbose_name, lambda obj: labels.get(getattr(obj, name), getattr(obj, name)))


def _date(value):
    """Local dates for date-time values: a spreadsheet cell holds no time zone."""
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def _on(model, name: str) -> Column:
    return Column(model._meta.get_field(name).verbose_name, lambda obj: _date(getattr(obj, name)))


def _record_columns(model) -> list[Column]:
    head = [
        _field(model, "title"),
        Column(model._meta.get_field("category").verbose_name, lambda r: r.category.name),
        Column(gettext_lazy("owner"), lambda r: str(r.owner)),
        Column(model._meta.get_field("committee").verbose_name, lambda r: r.committee.name),
        _field(model, "quantity"),
        _choice(model, "measure"),
        Column(gettext_lazy("remaining"), lambda r: r.remaining_quantity),
    ]
    if model is Need:
        own = [_choice(model, "urgency"), _on(model, "deadline"), _choice(model, "source")]
    else:
        own = [
            _choice(model, "kind"),
            _choice(model, "booking"),
            _on(model, "available_from"),
            _on(model, "available_until"),
        ]
    return [
        *head,
        *own,
        _field(model, "beneficiaries"),
        _choice(model, "reach"),
        _choice(model, "status"),
        _field(model, "contact_name"),
        _field(model, "contact_phone"),
        _on(model, "published_at"),
        _on(model, "created_at"),
    ]


def records_ledger(user, queryset, *, in_full: bool) -> tuple[bytes, int]:
    """The ledger of the records given (Resource or Need, already scoped and filtered by the caller) as xlsx, and
    its row count. Contacts are masked; with `in_full`, shown in full on the rows `user` may see in full."""
    model = queryset.model
    records = list(queryset.select_related("category", "owner_unit", "owner_committee", "committee"))
    full_ids = masking.full_view_ids(user, records) if in_full else set()
    columns = _record_columns(model)

    def cells(record) -> list:
        shown = record.pk in full_ids
        return [
            column.value(record)
            if shown or not column.personal
            else masking.mask_value(column.personal, column.value(record))
            for column in columns
        ]

    name = str(LEDGER_NAMES[model])
    content = build_workbook(name, [str(c.header) for c in columns], (cells(r) for r in records))
    return content, len(records)


def records_response(user, queryset) -> HttpResponse:
    """The ledger of resources or needs with every contact masked: a file leaves the system, its reader is unknown."""
    content, _rows = records_ledger(user, queryset, in_full=False)
    return xlsx_response(content, dated_filename(LEDGER_NAMES[queryset.model]))


def records_in_full_response(user, queryset, *, purpose: str, filters: str = "") -> HttpResponse:
    """The ledger with personal data in full on the rows `user` may see in full, for those who manage a committee;
    every such export is logged with its purpose (PIPL)."""
    if not scoping.scope_of(user).manages_anything:
        raise PermissionDenied
    purpose = purpose.strip()
    if len(purpose) < MIN_PURPOSE_LENGTH:
        raise ValidationError(_("Say what the personal data is exported for."))
    content, rows = records_ledger(user, queryset, in_full=True)
    PersonalDataExport.objects.create(
        user=user,
        ledger=queryset.model._meta.model_name,
        purpose=purpose[:300],
        rows=rows,
        filters=filters[:500],
    )
    return xlsx_response(content, dated_filename(LEDGER_NAMES[queryset.model]))


def projects_response(queryset) -> HttpResponse:
    """The project ledger of the projects given (already scoped and filtered by the caller)."""
    allocations = Allocation.objects.select_related("need", "resource").order_by("pk")
    projects = queryset.select_related("committee", "lead_unit").prefetch_related(
        Prefetch("allocations", queryset=allocations)
    )

    def joined(project, side: str) -> str:
        titles = dict.fromkeys(getattr(a, side).title for a in project.allocations.all())
        return "；".join(titles)

    columns = [
        _field(Project, "title"),
        Column(Project._meta.get_field("committee").verbose_name, lambda p: p.committee.name),
        Column(Project._meta.get_field("lead_unit").verbose_name, lambda p: str(p.lead_unit or "")),
        _on(Project, "starts_on"),
        _on(Project, "ends_on"),
        _choice(Project, "status"),
        Column(Need._meta.verbose_name_plural, lambda p: joined(p, "need")),
        Column(Resource._meta.verbose_name_plural, lambda p: joined(p, "resource")),
        _on(Project, "created_at"),
    ]
    rows = ([column.value(p) for column in columns] for p in projects)
    name = str(LEDGER_NAMES[Project])
    content = build_workbook(name, [str(c.header) for c in columns], rows)
    return xlsx_response(content, dated_filename(name))


# --- Import of resources and needs ---------------------------------------------------------------------------------

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
# Formatted but empty rows after the data end the sheet: a file may hold a million of them, never worth walking.
_BLANK_ROWS_ENDING_A_SHEET = 1000


class LedgerFileError(Exception):
    """The file cannot be imported at all (not a workbook, no header, too large); the message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportColumn:
    key: str  # a field of the record, or one of services.IMPORT_CODE_FIELDS
    header: Any  # lazy translation
    parse: Callable[[Any], Any]  # a cell's value to the field's value; raises ValidationError
    required: bool = False
    hint: Any = ""  # what to enter, for the template's column guide


@dataclass
class ImportResult:
    created: int
    errors: list[tuple[int, str, str]]  # (row number in the sheet, column header, message)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a text column: 13812345678, not 13812345678.0
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] and text[1:].startswith(_FORMULA_TRIGGERS):
        text = text[1:]  # our own exports neutralise formulas this way
    return text


def _code(value) -> str:
    return "".join(_text(value).split()).upper()


def _integer(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError(_("Enter a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value).replace(",", "").replace("，", "")
    try:
        return int(text)
    except ValueError:
        raise ValidationError(_("Enter a whole number.")) from None


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def _day(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return from_excel(value).date()  # a date cell formatted as a number
    text = _text(value)
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(_("Enter a date such as 2026-12-31."))


def _normalise(label) -> str:
    return "".join(str(label).split()).replace("*", "").casefold()


def _in_every_language(text) -> set[str]:
    labels = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels.add(str(text))
    return labels


def _choices(choices) -> Callable[[Any], Any]:
    """A parser accepting a choice's code or its label in any of the product's languages."""
    accepted = {}
    for value, label in choices.choices:
        accepted[_normalise(value)] = value
        for text in _in_every_language(label):
            accepted[_normalise(text)] = value

    def parse(cell):
        text = _text(cell)
        if not text:
            return None
        try:
            return accepted[_normalise(text)]
        except KeyError:
            raise ValidationError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": "、".join(str(label) for label in choices.labels)}
            ) from None

    return parse


def import_columns(model) -> list[ImportColumn]:
    """The columns of an import file of resources or needs, in the template's order."""

    def field(name: str, parse=_text, required=False, hint: Any = "") -> ImportColumn:
        model_field = model._meta.get_field(name)
        if not hint and getattr(model_field, "max_length", None) and parse is _text:
            hint = gettext_lazy("Up to %(count)d characters.") % {"count": model_field.max_length}
        return ImportColumn(name, model_field.verbose_name, parse, required, hint)

    def choice(name: str, choices) -> ImportColumn:
        default = choices(model._meta.get_field(name).default).label
        hint = _("One of: %(choices)s. Empty: %(default)s.") % {
            "choices": "、".join(str(label) for label in choices.labels),
            "default": default,
        }
        return field(name, _choices(choices), hint=hint)

    date_hint = gettext_lazy("A date such as 2026-12-31.")
    columns = [
        ImportColumn(
            "owner_unit",
            gettext_lazy("owner unit credit code"),
            _code,
            hint=gettext_lazy(
                "The 18-character unified social credit code of a member unit you manage; "
                "empty when the committee itself offers or needs it."
            ),
        ),
        ImportColumn(
            "committee",
            gettext_lazy("home committee division code"),
            _code,
            required=True,
            hint=gettext_lazy(
                "The division code of the committee whose list the record is on: "
                "9 digits for a street, 12 for a community."
            ),
        ),
        field("category", required=True, hint=gettext_lazy("A category's name or code, one of:")),
        field("title", required=True),
        field("description"),
        field("quantity", _integer, required=True, hint=gettext_lazy("A whole number, at least 1.")),
        choice("measure", Measure),
        choice("reach", Reach),
        field("beneficiaries"),
        field("contact_name", required=True),
        field(
            "contact_phone",
            required=True,
            hint=gettext_lazy("A mobile number such as 13812345678 or a landline such as 010-64012345."),
        ),
    ]
    if model is Need:
        columns += [
            field("deadline", _day, hint=date_hint),
            choice("urgency", Need.Urgency),
            choice("source", Need.Source),
        ]
    else:
        columns += [
            choice("kind", Resource.Kind),
            field("available_from", _day, hint=date_hint),
            field("available_until", _day, hint=date_hint),
            choice("booking", Resource.Booking),
        ]
    return columns


_NOT_A_WORKBOOK = gettext_lazy(
    "This file is not an Excel workbook (.xlsx). Fill in the template and save it as .xlsx; "
    "older .xls files and CSV cannot be read."
)


def read_rows(upload, columns: Sequence[ImportColumn]) -> list[services.ImportRow]:
    """The rows of the first sheet, each with its values parsed and its cell errors; raises LedgerFileError."""
    size = getattr(upload, "size", None)
    if not size:
        raise LedgerFileError(_("The file is empty."))
    if size > MAX_IMPORT_BYTES:
        raise LedgerFileError(
            _("The file is larger than %(size)d MB; split it into smaller files.")
            % {"size": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    try:
        upload.seek(0)
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises a dozen kinds of error on what is not a workbook
        logger.info("import: not a workbook: %r", error)
        raise LedgerFileError(str(_NOT_A_WORKBOOK)) from error
    try:
        if not workbook.worksheets:
            raise LedgerFileError(str(_NOT_A_WORKBOOK))
        return _read_sheet(workbook.worksheets[0], columns)
    except LedgerFileError:
        raise
    except Exception as error:  # a damaged sheet fails while it is read, not when it is opened
        logger.info("import: damaged workbook: %r", error)
        raise LedgerFileError(str(_NOT_A_WORKBOOK)) from error
    finally:
        workbook.close()


def _read_sheet(sheet, columns: Sequence[ImportColumn]) -> list[services.ImportRow]:
    positions: dict[str, int] | None = None
    by_key = {column.key: column for column in columns}
    rows: list[services.ImportRow] = []
    blank_run = 0
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        if all(_text(cell) == "" for cell in cells):
            blank_run += 1
            if blank_run >= _BLANK_ROWS_ENDING_A_SHEET:
                break
            continue
        blank_run = 0
        if positions is None:
            positions = _match_header(cells, columns)
            continue
        if len(rows) >= MAX_IMPORT_ROWS:
            raise LedgerFileError(
                _("The file has more than %(count)s rows; split it into smaller files.")
                % {"count": f"{MAX_IMPORT_ROWS:,}"}
            )
        row = services.ImportRow(number=number, values={})
        for key, index in positions.items():
            cell = cells[index] if index < len(cells) else None
            try:
                row.values[key] = by_key[key].parse(cell)
            except ValidationError as error:
                for message in error.messages:
                    row.add_error(key, message)
        rows.append(row)
    if positions is None:
        raise LedgerFileError(_("The file is empty: the first sheet has neither headers nor rows."))
    if not rows:
        raise LedgerFileError(_("The file has headers but no rows to import."))
    return rows


def _match_header(cells, columns: Sequence[ImportColumn]) -> dict[str, int]:
    """Column positions by key, from header labels in any of the product's languages; the numbered column and
    empty headers are skipped; missing required, unknown or repeated columns make the file unreadable."""
    known = {}
    for column in columns:
        for label in {column.key, *_in_every_language(column.header)}:
            known[_normalise(label)] = column
    numbering = {_normalise(label) for label in _in_every_language(gettext_lazy("No."))}
    positions: dict[str, int] = {}
    unknown, repeated = [], []
    for index, cell in enumerate(cells):
        label = _normalise(_text(cell))
        if not label or label in numbering:
            continue
        column = known.get(label)
        if column is None:
            unknown.append(_text(cell))
        elif column.key in positions:
            repeated.append(_text(cell))
        else:
            positions[column.key] = index
    missing = [str(column.header) for column in columns if column.required and column.key not in positions]
    problems = []
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
    if unknown:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": "、".join(unknown)})
    if repeated:
        problems.append(_("Columns given twice: %(columns)s.") % {"columns": "、".join(repeated)})
    if problems:
        problems.append(
            _("The first row must hold the template's headers; download the template to compare.")
        )
        raise LedgerFileError(" ".join(problems))
    return positions


def import_file(model, upload, *, by, publish: bool = False) -> ImportResult:
    """Import the resources or needs of an uploaded xlsx for `by` (a secretary or superuser): all rows are created
    as drafts (and published, if asked) or, if any row fails, none, and every error is returned with the row
    number and column header. Raises LedgerFileError for a file that cannot be read as an import."""
    columns = import_columns(model)
    rows = read_rows(upload, columns)
    try:
        created = services.import_records(model, rows, by=by, publish=publish)
    except services.ImportRejected as rejected:
        headers = {column.key: str(column.header) for column in columns}
        position = {column.key: index for index, column in enumerate(columns)}
        ordered = sorted(rejected.errors, key=lambda error: (error[0], position.get(error[1], len(columns))))
        errors = [(number, _column_header(model, headers, key), message) for number, key, message in ordered]
        return ImportResult(created=0, errors=errors)
    except IntegrityError as error:  # a rule the checks above do not know yet; nothing was written
        logger.warning("import: refused by the database: %s", error)
        raise LedgerFileError(
            _("The database refused the rows; nothing was imported. Please report this.")
        ) from error
    return ImportResult(created=len(created), errors=[])


def _column_header(model, headers: dict[str, str], key: str) -> str:
    if key in headers:
        return headers[key]
    try:
        return str(model._meta.get_field(key).verbose_name)
    except Exception:  # "__all__": the row as a whole
        return ""


def _example_row(model, by, columns: Sequence[ImportColumn]) -> list:
    committee = scoping.committees_to_manage(by).order_by("area_code").first()
    category = Category.objects.filter(is_active=True).first()
    today = timezone.localdate()
    example = {
        "owner_unit": "",
        "committee": committee.area_code if committee else "",
        "category": category.name if category else "",
        "title": _("Example: repair the stairwell lights (delete this row)"),
        "description": _("Six stairwells of building 3 have no light at night."),
        "quantity": 6,
        "measure": Measure.ITEMS.label,
        "reach": Reach.STREET.label,
        "beneficiaries": _("Residents of building 3"),
        "contact_name": _("Wang Fang"),
        "contact_phone": "13800001111",
        "deadline": today + datetime.timedelta(days=30),
        "urgency": Need.Urgency.NORMAL.label,
        "source": Need.Source.RESIDENT.label,
        "kind": Resource.Kind.SOCIAL.label,
        "available_from": today,
        "available_until": today + datetime.timedelta(days=90),
        "booking": Resource.Booking.APPOINTMENT.label,
    }
    return [_plain(example.get(column.key, "")) for column in columns]


def _plain(value):
    """Translations are lazy objects; a spreadsheet cell takes plain strings, numbers and dates."""
    return value if isinstance(value, int | datetime.date) else str(value)


def template_response(model, by) -> HttpResponse:
    """The import template: the expected headers and one example row, and a guide to each column."""
    columns = import_columns(model)
    categories = "、".join(
        f"{c.name} ({c.code})" for c in Category.objects.filter(is_active=True).order_by("position", "code")
    )
    guide = [
        [
            str(column.header),
            _("required") if column.required else _("optional"),
            f"{column.hint} {categories}" if column.key == "category" else str(column.hint),
        ]
        for column in columns
    ]
    name = _("Import template for %(records)s") % {"records": model._meta.verbose_name_plural}
    content = build_workbook(
        str(model._meta.verbose_name_plural),
        [str(column.header) for column in columns],
        [_example_row(model, by, columns)],
        more_sheets=[(_("Column guide"), [_("column"), _("required"), _("what to enter")], guide)],
    )
    return xlsx_response(content, dated_filename(name))


def errors_workbook(errors: Sequence[tuple[int, str, str]]) -> bytes:
    """The error report of a failed import: one line per error with the row number and column header."""
    return build_workbook(_("Import errors"), [_("row"), _("column"), _("error")], errors)


def errors_filename() -> str:
    return dated_filename(_("Import errors"))
