"""Import of resources and needs from xlsx sheets laid out as the template (every row checked, all written or
none), the template itself, and the report of the errors found."""

import datetime
import logging
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from simple_history.utils import bulk_create_with_history

from committees import scoping, validators
from committees.models import Category, Measure, Membership, Need, Reach, Resource
from committees.models.lists import REACH_CODE_LENGTH, ListRecord, reach_prefix
from committees.services.records import editable_fields, mark_published
from committees.text import tokenize

from .workbook import FORMULA_TRIGGERS, build_workbook, dated_filename, xlsx_response

logger = logging.getLogger(__name__)

# --- Bulk import of resources and needs (the ledgers' import) ---------------------------------------------------
#
# create_record checks one record with a dozen queries (scope, membership, foreign keys, constraints); a file of
# 10,000 rows needs the same rules with a few queries in all. Codes are resolved only within what the importing
# user manages, every row is checked before anything is written, and the rows are written together or not at all.

IMPORT_CODE_FIELDS = ("owner_unit", "committee", "category")  # given as codes or names, resolved here
_FOREIGN_KEYS = ["owner_unit", "owner_committee", "committee", "category", "created_by", "collection_request"]


@dataclass
class ImportRow:
    """One row of a file: its number in the sheet, its values, and the errors found in it so far (per field).

    `owner_unit` is a credit code (empty: the committee owns the record), `committee` a division code, `category`
    a code or name; the other keys are editable fields with values of their type. A field with an error is left
    out of the checks that would repeat it."""

    number: int
    values: dict[str, Any]
    errors: dict[str, list[str]] = dataclass_field(default_factory=dict)

    def add_error(self, field: str, message) -> None:
        self.errors.setdefault(field, []).append(str(message))


class ImportRejected(Exception):
    """Some rows failed: nothing was written. `errors` lists (row number, field, message) in row order."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


class _ImportCodes:
    """The units, committees, memberships and categories a file names, each read with one query."""

    def __init__(self, rows: Sequence[ImportRow], by):
        unit_codes = {_code(row.values.get("owner_unit")) for row in rows} - {""}
        committee_codes = {_code(row.values.get("committee")) for row in rows} - {""}
        self.units = (
            {
                unit.credit_code: unit
                for unit in scoping.units_to_manage(by).filter(credit_code__in=unit_codes)
            }
            if unit_codes
            else {}
        )
        self.committees = (
            {
                committee.area_code: committee
                for committee in scoping.committees_to_manage(by).filter(area_code__in=committee_codes)
            }
            if committee_codes
            else {}
        )
        self.memberships = set()
        if self.units and self.committees:
            self.memberships = set(
                Membership.objects.current()
                .filter(
                    unit_id__in=[u.pk for u in self.units.values()],
                    committee_id__in=[c.pk for c in self.committees.values()],
                )
                .values_list("unit_id", "committee_id")
            )
        self.categories: dict[str, Category] = {}
        for category in Category.objects.filter(is_active=True):
            for key in (category.code, category.name, category.name_en):
                if key:
                    self.categories.setdefault(key.casefold(), category)


def import_records(model, rows: Sequence[ImportRow], *, by, publish: bool = False) -> list:
    """Create drafts of `model` (Resource or Need) from imported rows for a secretary or superuser: all of them, or
    none if any row fails. Each row is checked with create_record's rules; a unit or committee code outside what
    `by` manages is an error of that row. With `publish`, the drafts are then published as publish_record does.
    Raises ImportRejected with every error found."""
    if not scoping.scope_of(by).manages_anything:
        raise PermissionDenied
    allowed = editable_fields(model) | set(IMPORT_CODE_FIELDS)
    for row in rows:
        unknown = set(row.values) - allowed
        if unknown:
            raise TypeError(f"not importable: {sorted(unknown)}")
    with transaction.atomic():
        codes = _ImportCodes(rows, by)
        records = [_import_record(model, row, codes, by) for row in rows]
        errors = [
            (row.number, field, message)
            for row in rows
            for field, messages in row.errors.items()
            for message in messages
        ]
        if errors:
            raise ImportRejected(errors)
        for (
            record
        ) in records:  # as _prepare does; only once every row has passed (cutting 10,000 texts takes a while)
            record.tokens = " ".join(tokenize(f"{record.title} {record.description}"))
        created = bulk_create_with_history(records, model, batch_size=1000, default_user=by)
        if publish:
            _publish_imported(model, created, by=by)
    return created


def _publish_imported(model, records: list, *, by) -> None:
    """publish_record for the drafts just imported, with a few queries: the same checks and fields, one history row
    each. The drafts are not locked: no one else can see them before this transaction commits."""
    ids = [record.pk for record in records]
    to_manage = scoping.needs_to_manage(by) if model is Need else scoping.resources_to_manage(by)
    if to_manage.filter(pk__in=ids).count() != len(ids):
        raise PermissionDenied
    now = timezone.now()
    for record in records:
        mark_published(record, at=now)
        record.updated_at = now
    # One UPDATE for what all share, one per claim window (a handful): bulk_update's CASE per row is far slower.
    model.objects.filter(pk__in=ids).update(
        status=ListRecord.Status.PUBLISHED, published_at=now, updated_at=now
    )
    if model is Need:
        by_opening: dict = {}
        for record in records:
            by_opening.setdefault(record.claim_hall_from, []).append(record.pk)
        for opening, pks in by_opening.items():
            Need.objects.filter(pk__in=pks).update(claim_hall_from=opening)
    model.history.bulk_history_create(records, batch_size=1000, update=True, default_user=by)


def _import_record(model, row: ImportRow, codes: _ImportCodes, by):
    """The unsaved record of one row, with the row's errors added to it."""
    unit_code, committee_code = _code(row.values.get("owner_unit")), _code(row.values.get("committee"))
    committee = codes.committees.get(committee_code)
    if "committee" not in row.errors:
        if not committee_code:
            row.add_error("committee", _("Enter the division code of the record's home committee."))
        elif committee is None:
            row.add_error("committee", _("No committee you manage has this division code."))
    unit = codes.units.get(unit_code)
    if unit_code and "owner_unit" not in row.errors:
        if unit is None:
            row.add_error("owner_unit", _("No member unit you manage has this credit code."))
        elif committee is not None and (unit.pk, committee.pk) not in codes.memberships:
            row.add_error("owner_unit", _("The unit is not a current member of this committee."))
    category_key = str(row.values.get("category") or "").strip().casefold()
    category = codes.categories.get(category_key)
    if category is None and "category" not in row.errors:
        if category_key:
            row.add_error("category", _("No category in use has this name or code."))
        else:
            row.add_error("category", model._meta.get_field("category").error_messages["blank"])

    fields = {}
    for name, value in row.values.items():
        if name in IMPORT_CODE_FIELDS or name in row.errors:
            continue
        field = model._meta.get_field(name)
        if value is None or value == "":
            if field.has_default():
                continue  # an empty cell takes the default, as an untouched form field does
            if not field.blank:
                row.add_error(name, field.error_messages["blank"])
                continue
            value = None if field.null else ""
        fields[name] = value
    if fields.get("deadline") is not None:
        try:
            validators.validate_deadline_not_past(fields["deadline"])
        except ValidationError as error:
            row.add_error("deadline", error.messages[0])
            del fields["deadline"]
    record = model(
        owner_unit=unit if unit_code else None,
        owner_committee=None if unit_code else committee,
        committee=committee,
        category=category,
        created_by=by,
        **fields,
    )
    if committee is not None and record.reach in REACH_CODE_LENGTH:
        record.reach_prefix = reach_prefix(committee.area_code, record.reach)
    excluded = [*_FOREIGN_KEYS, *row.errors]
    try:
        record.full_clean(exclude=excluded, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                row.add_error(name, message)
    owner_known = committee is not None and (unit is not None or not unit_code)
    _check_constraints(record, row, owner_known=owner_known)
    return record


def _check_constraints(record, row: ImportRow, *, owner_known: bool) -> None:
    """The model's check constraints, in Python (RowCheck: stated once, beside the model)."""
    for check in type(record).ROW_CHECKS:
        if check.kind == "one_owner" and not owner_known:
            continue  # the unknown code is the row's error already
        if check.field in row.errors:
            continue
        if not check.holds(record):
            row.add_error(check.field, check.message)


# --- Import of resources and needs ---------------------------------------------------------------------------------

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
# A zip bomb (a few hundred KB unpacking to gigabytes) is refused from the archive's directory, before any member
# is unpacked. A full import of 20,000 rows unpacks to about 30 MB, packed 5 to 20 times; Python's zipfile never
# unpacks a member beyond the size its directory declares, so the declared sizes bound the work.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_PACKING_RATIO = 200  # unpacked / packed over the whole file
_RATIO_FROM_BYTES = 1024 * 1024  # below this, tiny files of repeated text may pack tighter: harmless
# The sheet is read within the template's width and a bounded number of rows, whatever its <dimension> claims.
MAX_IMPORT_COLUMNS = 50
MAX_SHEET_ROWS = MAX_IMPORT_ROWS * 3
# Formatted but empty rows after the data end the sheet: a file may hold a million of them, never worth walking.
_BLANK_ROWS_ENDING_A_SHEET = 1000


class LedgerFileError(Exception):
    """The file cannot be imported at all (not a workbook, no header, too large); the message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportColumn:
    key: str  # a field of the record, or one of IMPORT_CODE_FIELDS
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
    if text[:1] == "'" and text[1:2] and text[1:].startswith(FORMULA_TRIGGERS):
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


def read_rows(upload, columns: Sequence[ImportColumn]) -> list[ImportRow]:
    """The rows of the first sheet, each with its values parsed and its cell errors; raises LedgerFileError."""
    size = getattr(upload, "size", None)
    if not size:
        raise LedgerFileError(_("The file is empty."))
    if size > MAX_IMPORT_BYTES:
        raise LedgerFileError(
            _("The file is larger than %(size)d MB; split it into smaller files.")
            % {"size": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    _check_packing(upload)
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


def _check_packing(upload) -> None:
    """Refuse what unpacks to too much, or is packed far tighter than a workbook, without unpacking anything."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        logger.info("import: not a zip file: %r", error)
        raise LedgerFileError(str(_NOT_A_WORKBOOK)) from error
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > MAX_UNZIPPED_BYTES:
        logger.warning("import: refused a file unpacking to %d bytes", unpacked)
        raise LedgerFileError(
            _("The file unpacks to more than %(size)d MB; split it into smaller files.")
            % {"size": MAX_UNZIPPED_BYTES // (1024 * 1024)}
        )
    if unpacked > _RATIO_FROM_BYTES and unpacked > MAX_PACKING_RATIO * max(packed, 1):
        logger.warning("import: refused a file packed %d:%d", unpacked, packed)
        raise LedgerFileError(
            _("The file is packed far more tightly than a workbook is; it cannot be imported.")
        )


def _read_sheet(sheet, columns: Sequence[ImportColumn]) -> list[ImportRow]:
    positions: dict[str, int] | None = None
    by_key = {column.key: column for column in columns}
    rows: list[ImportRow] = []
    blank_run = 0
    rows_read = sheet.iter_rows(max_row=MAX_SHEET_ROWS, max_col=MAX_IMPORT_COLUMNS, values_only=True)
    for number, cells in enumerate(rows_read, start=1):
        if number == MAX_SHEET_ROWS:
            raise LedgerFileError(
                _("The file has more than %(count)s rows; split it into smaller files.")
                % {"count": f"{MAX_IMPORT_ROWS:,}"}
            )
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
        row = ImportRow(number=number, values={})
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
        created = import_records(model, rows, by=by, publish=publish)
    except ImportRejected as rejected:
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
