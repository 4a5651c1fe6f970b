"""Ledger exports: member units, resources, needs and projects (scoped by the caller's queryset; contacts masked
unless exported in full with a purpose, which is logged)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees import masking, scoping
from committees.models import Allocation, MemberUnit, Need, PersonalDataExport, Project, Resource

from .workbook import build_workbook, dated_filename, xlsx_response


def member_units_ledger(user, units, *, in_full: bool) -> tuple[bytes, int]:
    """The member-unit ledger of the units given (already scoped by the caller's queryset) as xlsx, and its row
    count. Contacts are masked; with `in_full`, shown in full on the units `user` manages."""
    units = list(units.order_by("name", "pk"))
    if in_full:
        managed = scoping.units_to_manage(user).filter(pk__in=[u.pk for u in units])
        full_ids = set(managed.values_list("pk", flat=True))
    else:
        full_ids = set()

    def contact(unit, field: str):
        value = getattr(unit, field)
        return value if unit.pk in full_ids else masking.mask_value(field, value)

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
            contact(u, "contact_name"),
            contact(u, "contact_phone"),
        ]
        for u in units
    )
    content = build_workbook(str(_("Member units")), [str(h) for h in headers], rows)
    return content, len(units)


def member_units_response(user, units) -> HttpResponse:
    """The member-unit ledger with every contact masked: a file leaves the system, its reader is unknown."""
    content, _rows = member_units_ledger(user, units, in_full=False)
    return xlsx_response(content, dated_filename(LEDGER_NAMES[MemberUnit]))


def member_units_in_full_response(user, units, *, purpose: str, filters: str = "") -> HttpResponse:
    """The member-unit ledger with contacts in full on the units `user` manages; logged with its purpose (PIPL)."""
    if not scoping.scope_of(user).manages_anything:
        raise PermissionDenied
    purpose = _required_purpose(purpose)
    content, rows = member_units_ledger(user, units, in_full=True)
    _log_export(user, MemberUnit, purpose=purpose, rows=rows, filters=filters)
    return xlsx_response(content, dated_filename(LEDGER_NAMES[MemberUnit]))


def _required_purpose(purpose: str) -> str:
    purpose = purpose.strip()
    if len(purpose) < MIN_PURPOSE_LENGTH:
        raise ValidationError(_("Say what the personal data is exported for."))
    return purpose


def _log_export(user, model, *, purpose: str, rows: int, filters: str) -> None:
    PersonalDataExport.objects.create(
        user=user, ledger=model._meta.model_name, purpose=purpose[:300], rows=rows, filters=filters[:500]
    )


# --- The lists: resources, needs and projects --------------------------------------------------------------------

LEDGER_NAMES = {
    MemberUnit: gettext_lazy("Member unit ledger"),
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
    purpose = _required_purpose(purpose)
    content, rows = records_ledger(user, queryset, in_full=True)
    _log_export(user, queryset.model, purpose=purpose, rows=rows, filters=filters)
    return xlsx_response(content, dated_filename(LEDGER_NAMES[queryset.model]))


def projects_response(queryset) -> HttpResponse:
    """The project ledger of the projects given (already scoped and filtered by the caller)."""
    allocations = Allocation.objects.select_related("need", "resource", "provider_unit").order_by("pk")
    projects = queryset.select_related("committee", "lead_unit").prefetch_related(
        Prefetch("allocations", queryset=allocations)
    )

    def offered(allocation: Allocation) -> str:
        if allocation.resource is not None:
            return allocation.resource.title
        # A claim (认领): the unit took the need up with means of its own, no resource.
        return _("Claim: %(unit)s") % {"unit": allocation.provider_unit or ""}

    def joined(project, side: str) -> str:
        allocations = project.allocations.all()
        titles = (a.need.title for a in allocations) if side == "need" else map(offered, allocations)
        return "；".join(dict.fromkeys(titles))

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
