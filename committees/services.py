"""State changes of the registry; admin actions, forms, the API and tests all call these."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from . import access, scoping
from .models import (
    Category,
    Claim,
    CollectionRequest,
    CollectionRound,
    Membership,
    MemberUnit,
    Need,
    Resource,
    Seat,
)
from .models.lists import REACH_CODE_LENGTH, InvalidTransition, ListRecord, reach_prefix
from .text import tokenize


def add_membership(*, by, unit: MemberUnit, committee, role: str = Membership.Role.MEMBER_UNIT, since=None):
    """A unit joins a committee in `by`'s subtree (the unit must already be one `by` manages)."""
    if not scoping.committees_to_manage(by).filter(pk=committee.pk).exists():
        raise PermissionDenied
    if not scoping.units_to_manage(by).filter(pk=unit.pk).exists():
        raise PermissionDenied
    membership = Membership(unit=unit, committee=committee, role=role, since=since or timezone.localdate())
    return _save_new(membership, by=by)


def change_membership(membership: Membership, *, by, role: str) -> Membership:
    """Change a unit's role on a committee (chair unit, vice-chair unit, member unit)."""
    scoping.require_change(by, membership)
    membership.role = role
    return _save_changed(membership, by=by, fields=["role"])


def add_seat(
    *, by, committee, user, role: str, unit: MemberUnit | None = None, position: str = "", since=None
) -> Seat:
    """Give a person a seat on a committee in `by`'s subtree; their roles in the product follow from it."""
    if not scoping.committees_to_manage(by).filter(pk=committee.pk).exists():
        raise PermissionDenied
    if not scoping.people_for(by).filter(pk=user.pk).exists():
        raise PermissionDenied
    if unit is not None and not scoping.units_to_manage(by).filter(pk=unit.pk).exists():
        raise PermissionDenied
    seat = Seat(
        committee=committee,
        user=user,
        role=role,
        unit=unit,
        position=position.strip(),
        since=since or timezone.localdate(),
    )
    seat = _save_new(seat, by=by)
    scoping.forget_scope(user)
    return seat


def change_seat(seat: Seat, *, by, position: str) -> Seat:
    """Correct the post a seat holder is named with; the role itself changes by ending the seat and adding one."""
    scoping.require_change(by, seat)
    seat.position = position.strip()
    return _save_changed(seat, by=by, fields=["position"])


def _save_new(row, *, by):
    row.full_clean()
    row._history_user = by
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:  # a concurrent twin passed full_clean too
        raise ValidationError(_("This row already exists.")) from error
    return row


def _save_changed(row, *, by, fields: list[str]):
    row.full_clean()
    row._history_user = by
    row.save(update_fields=fields)
    return row


def end_memberships(*, memberships: QuerySet[Membership], by, on: datetime.date) -> int:
    """End open memberships on a date (a unit leaving a committee); ended ones stay for the record."""
    allowed = memberships & scoping.memberships_to_manage(by)
    return _end_rows(allowed, on=on)


def end_seats(*, seats: QuerySet[Seat], by, on: datetime.date) -> int:
    """End open seats on a date (a person leaving a post); the seat stays in the committee's history."""
    allowed = seats & scoping.seats_to_manage(by)
    people = set(allowed.filter(until__isnull=True).values_list("user_id", flat=True))
    ended = _end_rows(allowed, on=on)
    access.end_tokens_of_people_without_seats(people, on=on)  # a person left with no seat loses API access
    return ended


def _end_rows(rows: QuerySet, *, on: datetime.date) -> int:
    ended = 0
    with transaction.atomic():
        # Row by row so that each change is written to the history with its author (bulk updates skip it).
        for row in rows.select_for_update().filter(until__isnull=True):
            row.until = max(on, row.since)
            row.save(update_fields=["until"])
            ended += 1
    return ended


# --- The lists: resources and needs ----------------------------------------------------------------------------

RECORD_FIELDS = {
    "category",
    "title",
    "description",
    "quantity",
    "measure",
    "beneficiaries",
    "contact_name",
    "contact_phone",
    "reach",
}
RESOURCE_FIELDS = RECORD_FIELDS | {"kind", "available_from", "available_until", "booking"}
NEED_FIELDS = RECORD_FIELDS | {"deadline", "urgency", "source"}


def editable_fields(model) -> set[str]:
    return RESOURCE_FIELDS if model is Resource else NEED_FIELDS


def check_owner(*, by, owner_unit, owner_committee, committee) -> None:
    """The owner and home committee must be within what `by` may act for; ids from a form are never trusted."""
    if (owner_unit is None) == (owner_committee is None):
        raise ValidationError(_("A record is owned by a member unit or by a committee, not both."))
    scope = scoping.scope_of(by)
    if owner_unit is not None:
        acts_for_unit = (
            owner_unit.pk in scope.liaison_unit_ids
            or scoping.units_to_manage(by).filter(pk=owner_unit.pk).exists()
        )
        if not acts_for_unit:
            raise PermissionDenied
        if not Membership.objects.current().filter(unit=owner_unit, committee=committee).exists():
            raise ValidationError({"committee": _("The unit is not a current member of this committee.")})
        if not scope.is_superuser and owner_unit.pk not in scope.liaison_unit_ids:
            if not scoping.committees_to_manage(by).filter(pk=committee.pk).exists():
                raise PermissionDenied
    else:
        if owner_committee.pk != committee.pk:
            raise ValidationError({"committee": _("A committee's own record is on its own list.")})
        if not scoping.committees_to_manage(by).filter(pk=committee.pk).exists():
            raise PermissionDenied


def _prepare(record) -> None:
    """Derived fields, then validation: the reach area, and the words the matcher compares (jieba is slow,
    so they are cut once here rather than on every matching run)."""
    record.reach_prefix = reach_prefix(record.committee.area_code, record.reach)
    record.tokens = " ".join(tokenize(f"{record.title} {record.description}"))
    record.full_clean(exclude=["created_by"])


def create_record(
    model, *, by, owner_unit=None, owner_committee=None, committee, collection_request=None, **fields
):
    """Create a draft resource or need for a unit or committee that `by` acts for."""
    unknown = set(fields) - editable_fields(model)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    check_owner(by=by, owner_unit=owner_unit, owner_committee=owner_committee, committee=committee)
    if collection_request is not None and collection_request.unit_id != getattr(owner_unit, "pk", None):
        raise ValidationError(
            {"collection_request": _("A collection request is answered by the unit it was sent to.")}
        )
    record = model(
        owner_unit=owner_unit,
        owner_committee=owner_committee,
        committee=committee,
        created_by=by,
        collection_request=collection_request,
        **fields,
    )
    _prepare(record)
    with transaction.atomic():
        record._history_user = by
        record.save()
        if collection_request is not None:
            _mark_answered(collection_request, by=by)
    return record


def update_record(record, *, by, **fields):
    """Change a draft or published record's content; status and quantities allocated are not edited this way."""
    scoping.require_change(by, record)
    unknown = set(fields) - editable_fields(type(record))
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        record = type(record).objects.select_for_update().get(pk=record.pk)
        if record.status not in record.EDITABLE_STATUSES:
            raise InvalidTransition(_("Only drafts and published records without allocations can be edited."))
        for name, value in fields.items():
            setattr(record, name, value)
        if record.quantity < record.allocated_quantity:
            raise ValidationError(
                {"quantity": _("The quantity cannot be less than what is already allocated.")}
            )
        _prepare(record)
        record._history_user = by
        record.save()
    return record


def publish_record(record, *, by):
    """Publish a draft: it appears on the lists within its reach; a need opens for claims by the home committee's
    member units first, and to the claim hall once the committee's claim window has passed."""
    scoping.require_change(by, record)
    with transaction.atomic():
        record = type(record).objects.select_for_update().get(pk=record.pk)
        _mark_published(record, at=timezone.now())
        record._history_user = by
        record.save()
    return record


def _mark_published(record, *, at) -> None:
    record.transition_to(ListRecord.Status.PUBLISHED)
    record.published_at = at
    if isinstance(record, Need):
        record.claim_hall_from = at + datetime.timedelta(days=record.committee.claim_window_days)


def withdraw_record(record, *, by, reason: str):
    """Withdraw a record (deleting is withdrawing): it leaves the lists, live claims on it are cancelled."""
    scoping.require_change(by, record)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the record is withdrawn.")})
    with transaction.atomic():
        record = type(record).objects.select_for_update().get(pk=record.pk)
        record.transition_to(ListRecord.Status.WITHDRAWN, reason=reason.strip())
        record._history_user = by
        record.save()
        if isinstance(record, Need):
            for claim in record.claims.select_for_update().filter(status=Claim.Status.LIVE):
                claim.status = Claim.Status.CANCELLED
                claim.cancel_reason = str(_("The need was withdrawn."))
                claim._history_user = by
                claim.save(update_fields=["status", "cancel_reason"])
    return record


# --- Claims (认领) ------------------------------------------------------------------------------------------------


def claim_need(need: Need, *, unit: MemberUnit, by, note: str = "") -> Claim:
    """A unit claims a published need it may see; the committee deliberates the claim like a proposal."""
    if unit.pk not in scoping.scope_of(by).liaison_unit_ids:
        raise PermissionDenied
    if not scoping.claimable_needs(unit.pk).filter(pk=need.pk).exists():
        raise ValidationError(_("This need is not open for your unit to claim."))
    claim = Claim(need=need, unit=unit, note=note.strip(), created_by=by)
    claim._history_user = by
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError as error:
        raise ValidationError(_("Your unit has already claimed this need.")) from error
    return claim


def cancel_claim(claim: Claim, *, by, reason: str) -> Claim:
    if claim.unit_id not in scoping.scope_of(by).liaison_unit_ids:
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the claim is cancelled.")})
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != Claim.Status.LIVE:
            raise InvalidTransition(_("Only a live claim can be cancelled."))
        claim.status = Claim.Status.CANCELLED
        claim.cancel_reason = reason.strip()
        claim._history_user = by
        claim.save(update_fields=["status", "cancel_reason"])
    return claim


# --- Collection rounds (征集) --------------------------------------------------------------------------------------


def open_collection_round(
    *, committee, by, title: str, opens_on, closes_on, categories=(), description=""
) -> CollectionRound:
    """Open a round: every current member unit of the committee gets a request to answer."""
    if not scoping.committees_to_manage(by).filter(pk=committee.pk).exists():
        raise PermissionDenied
    round_ = CollectionRound(
        committee=committee,
        title=title,
        description=description,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=by,
    )
    round_.full_clean()
    with transaction.atomic():
        round_._history_user = by
        round_.save()
        round_.categories.set(categories)
        unit_ids = (
            Membership.objects.current()
            .filter(committee=committee)
            .values_list("unit_id", flat=True)
            .distinct()
        )
        CollectionRequest.objects.bulk_create(
            [CollectionRequest(round=round_, unit_id=uid) for uid in unit_ids]
        )
    return round_


def answer_nothing_this_time(request: CollectionRequest, *, by) -> CollectionRequest:
    if request.unit_id not in scoping.scope_of(by).liaison_unit_ids:
        raise PermissionDenied
    with transaction.atomic():
        request = CollectionRequest.objects.select_for_update().get(pk=request.pk)
        request.nothing_this_time = True
        _mark_answered(request, by=by)
    return request


def _mark_answered(request: CollectionRequest, *, by) -> None:
    if (
        request.unit_id not in scoping.scope_of(by).liaison_unit_ids
        and not scoping.rounds_to_manage(by).filter(pk=request.round_id).exists()
    ):
        raise PermissionDenied
    if request.answered_at is None:
        request.answered_at = timezone.now()
        request.answered_by = by
    request.save(update_fields=["answered_at", "answered_by", "nothing_this_time"])


# --- Bulk import of resources and needs (the ledgers' import) ---------------------------------------------------
#
# create_record checks one record with a dozen queries (scope, membership, foreign keys, constraints); a file of
# 10,000 rows needs the same rules with a few queries in all. Codes are resolved only within what the importing
# user manages, every row is checked before anything is written, and the rows are written together or not at all.

IMPORT_CODE_FIELDS = ("owner_unit", "committee", "category")  # given as codes or names, resolved here
_FOREIGN_KEYS = ["owner_unit", "owner_committee", "committee", "category", "created_by", "collection_request"]

# The records' check constraints, evaluated in Python so that checking a file does not query once per row and
# constraint; a constraint missing here is still checked, by the database, one row at a time.
_CHECKS_IN_PYTHON = {
    "one_owner": ("__all__", lambda r: (r.owner_unit_id is None) != (r.owner_committee_id is None)),
    "allocated_within_quantity": (
        "quantity",
        lambda r: r.quantity is None or r.allocated_quantity <= r.quantity,
    ),
    "quantity_positive": ("quantity", lambda r: r.quantity is None or r.quantity >= 1),
    "window_ordered": (
        "available_until",
        lambda r: r.available_from is None
        or r.available_until is None
        or r.available_until >= r.available_from,
    ),
}


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


def _code(value) -> str:
    return str(value or "").strip().replace(" ", "").upper()


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
        for record in records:  # as _prepare does; only once every row has passed, jieba is not quick
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
        _mark_published(record, at=now)
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
    _check_constraints(record, row, excluded, owner_known=owner_known)
    return record


def _check_constraints(record, row: ImportRow, excluded: list[str], *, owner_known: bool) -> None:
    for constraint in record._meta.constraints:
        kind = constraint.name.split("_", 1)[1]
        if kind == "one_owner" and not owner_known:
            continue  # the unknown code is the row's error already
        check = _CHECKS_IN_PYTHON.get(kind)
        if check is None:
            try:
                constraint.validate(type(record), record, exclude=set(excluded) - set(_FOREIGN_KEYS))
            except ValidationError as error:
                for message in error.messages:
                    row.add_error("__all__", message)
            continue
        field, holds = check
        if field in row.errors:
            continue
        if not holds(record):
            message = (
                _("Enter a quantity of at least 1.")
                if constraint.name.endswith("quantity_positive")
                else constraint.get_violation_error_message()
            )
            row.add_error(field, message)
