"""Personal data of residents and contacts (PIPL): shown in full only to those who need it, masked elsewhere.

Full view of a resource's or need's contact: superusers; secretaries whose subtree holds the record's home
committee; the owner unit's liaisons; the liaisons of units that share a project with the record, unless it was
cancelled (scoping.partner_records_q, the same rule that keeps the record in their sight).
A member unit's contact: superusers, the secretaries of a committee the unit sits on (or above it), its liaisons.
A person's phone: superusers, the secretaries who manage the person, the person. Whom a summoned department sends
(吹哨报到, the attendee's name and phone): superusers, the secretaries managing the summoning committee, the
department's own people. Everyone else (other units,
overseers, chairs and members) sees masked values, on pages, ledgers, the admin and history.
A reported party member (双报到): name, phone and address in full to superusers, the secretaries whose subtree
holds the community the member reported to, and the member; the name and phone (never the address) to the
liaisons of the member's own unit (双向反馈); masked to everyone else.
"""

import re

from django.db.models import Q, QuerySet

from . import scoping
from .models import MemberReport, MemberUnit, Need, Resource, User

PERSONAL_FIELDS = ("contact_name", "contact_phone")
_DIGITS = re.compile(r"\d")


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678; 010-64012345 → 010-****2345: enough to recognise, not to call."""
    if not value:
        return value
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    if len(digits) <= 4:
        return "*" * len(value)
    keep_head = 3 if len(digits) >= 10 else 0
    hidden = set(digits[keep_head:-4])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def mask_name(value: str) -> str:
    """张秀兰 → 张**; a name is recognisable to those who know the person, not searchable by others."""
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1)


def mask_address(value: str) -> str:
    """An address is never partly shown: the district at most would say little, the rest too much."""
    return "****" if value else value


MASKS = {
    "contact_name": mask_name,
    "contact_phone": mask_phone,
    "phone": mask_phone,
    "attendee_name": mask_name,
    "attendee_phone": mask_phone,
    "name": mask_name,
    "address": mask_address,
}
ATTENDEE_FIELDS = ("attendee_name", "attendee_phone")
SUMMONS_PART = "matching.SummonsPart"  # named, not imported: committees does not import matching
MEMBER_FIELDS = ("name", "phone", "address")
PERSONAL_FIELDS_OF = {
    Need: PERSONAL_FIELDS,
    Resource: PERSONAL_FIELDS,
    MemberUnit: ("contact_name", "contact_phone"),
    User: ("phone",),
    MemberReport: MEMBER_FIELDS,
}


def mask_value(field: str, value):
    mask = MASKS.get(field)
    return mask(value) if mask and isinstance(value, str) else value


# Other rules under which a liaison's units see a record's contact in full, registered by apps that committees may
# not import (matching: both sides of a proposal have accepted). Each takes (model, unit_ids) and returns a Q.
_CONTACT_SHARERS: list = []


def register_contact_sharer(condition) -> None:
    if condition not in _CONTACT_SHARERS:
        _CONTACT_SHARERS.append(condition)


def records_in_full(user, model) -> QuerySet:
    """The records (Resource or Need) whose personal data this user may see in full."""
    scope = scoping.scope_of(user)
    if scope.is_superuser:
        return model.objects.all()
    units = scope.liaison_unit_ids
    condition = scoping.prefix_q("committee__area_code", scope.manage_codes)
    if units:
        # the same partners as those who keep sight of the record (scoping's one rule)
        condition |= Q(owner_unit_id__in=units) | scoping.partner_records_q(model, units)
        for sharer in _CONTACT_SHARERS:
            condition |= sharer(model, units)
    return model.objects.filter(condition)


def in_full(user, model) -> QuerySet:
    """The rows of `model` (a record, a member unit, a person) whose personal data this user may see in full."""
    if model in (Need, Resource):
        return records_in_full(user, model)
    if scoping.scope_of(user).is_superuser:
        return model.objects.all()
    if model is MemberUnit:
        return scoping.units_to_manage(user)
    if model is User:
        return scoping.people_to_manage(user) | User.objects.filter(pk=user.pk)
    if model._meta.label == SUMMONS_PART:
        scope = scoping.scope_of(user)
        own = Q(department_id__in=scope.department_ids) if scope.department_ids else Q(pk__in=[])
        return model.objects.filter(
            scoping.prefix_q("summons__committee__area_code", scope.manage_codes) | own
        )
    if model is MemberReport:
        return scoping.member_reports_to_manage(user) | MemberReport.objects.filter(user_id=user.pk)
    raise TypeError(f"no personal data rule for {model.__name__}")


def full_view_ids(user, records) -> set[int]:
    """Of the given records (one model), the ids shown in full; one query however many records."""
    records = list(records)
    if not records:
        return set()
    model = type(records[0])
    return set(in_full(user, model).filter(pk__in=[r.pk for r in records]).values_list("pk", flat=True))


def sees_in_full(user, record) -> bool:
    return bool(full_view_ids(user, [record]))


def apply_masks(user, records) -> list:
    """Mask personal fields in place on the records this user may not see in full; returns the records.
    For display only: services re-read a record under lock before changing it, so a masked copy is never saved."""
    records = list(records)
    allowed = full_view_ids(user, records)
    for record in records:
        fields = ATTENDEE_FIELDS if record._meta.label == SUMMONS_PART else PERSONAL_FIELDS
        if record.pk not in allowed:
            for field in fields:
                setattr(record, field, mask_value(field, getattr(record, field)))
            record.is_masked = True
        else:
            record.is_masked = False
    return records


def member_contacts_visible(user) -> QuerySet[MemberReport]:
    """Member reports whose name and phone this user sees: those in full, and the own unit's liaisons'."""
    units = scoping.scope_of(user).liaison_unit_ids
    shown = in_full(user, MemberReport)
    if units:
        shown = shown | MemberReport.objects.filter(unit_id__in=units)
    return shown


def mask_member_reports(user, reports) -> list:
    """Mask in place (for display) the members' name, phone and address this user may not see; two queries."""
    reports = list(reports)
    if not reports:
        return reports
    ids = [r.pk for r in reports]
    full = set(in_full(user, MemberReport).filter(pk__in=ids).values_list("pk", flat=True))
    contacts = set(member_contacts_visible(user).filter(pk__in=ids).values_list("pk", flat=True))
    for report in reports:
        hidden = () if report.pk in full else ("address",) if report.pk in contacts else MEMBER_FIELDS
        for field in hidden:
            setattr(report, field, mask_value(field, getattr(report, field)))
        report.is_masked = bool(hidden)
    return reports
