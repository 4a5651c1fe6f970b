"""State changes of the registry: committees, member units, people, memberships and seats. Admin, API, pages,
commands and tests call these; nothing else writes these rows.

Each `check_*` function applies a change's rules without writing, for a form to show them as field errors; the
write function calls it again under the transaction, so the rule lives once."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import scoping
from committees.models import Committee, Membership, MemberUnit, Seat, User
from committees.services import access

# --- Committees -------------------------------------------------------------------------------------------------

COMMITTEE_FIELDS = {"name", "address", "claim_window_days", "escalation_days"}
COMMITTEE_PLACE_FIELDS = {"level", "parent", "area_code"}  # the place in the tree: fixed once created


def check_new_committee(*, by, parent) -> None:
    """A district committee (no parent) is created by an administrator; any other below a committee `by` manages."""
    if parent is None:
        if not by.is_superuser:
            raise ValidationError(
                {"parent": _("Only an administrator creates district committees; choose the parent.")}
            )
        return
    scoping.require_manages_committee(by, parent)


def create_committee(*, by, level: str, parent, area_code: str, **fields) -> Committee:
    """A committee below one `by` manages (a district: administrators only); `fields` are COMMITTEE_FIELDS."""
    unknown = set(fields) - COMMITTEE_FIELDS
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    check_new_committee(by=by, parent=parent)
    committee = Committee(level=level, parent=parent, area_code=area_code, **fields)
    return _save_new(committee, by=by)


def check_committee_change(committee: Committee, *, by, fields: dict) -> None:
    scoping.require_change(by, committee)
    moved = {
        name for name in COMMITTEE_PLACE_FIELDS & set(fields) if fields[name] != getattr(committee, name)
    }
    if moved and not by.is_superuser:
        raise ValidationError(
            {name: _("The place in the tree is fixed once the committee is created.") for name in moved}
        )


def update_committee(committee: Committee, *, by, **fields) -> Committee:
    unknown = set(fields) - COMMITTEE_FIELDS - COMMITTEE_PLACE_FIELDS
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    check_committee_change(committee, by=by, fields=fields)
    with transaction.atomic():
        committee = Committee.objects.select_for_update().get(pk=committee.pk)
        for name, value in fields.items():
            setattr(committee, name, value)
        return _save_changed(committee, by=by, fields=[*fields, "updated_at"])


# --- Member units -----------------------------------------------------------------------------------------------

UNIT_FIELDS = {
    "name",
    "credit_code",
    "kind",
    "party_org_name",
    "party_member_count",
    "address",
    "contact_name",
    "contact_phone",
}


def register_unit(
    *, by, committee, role: str = Membership.Role.MEMBER_UNIT, since=None, **fields
) -> MemberUnit:
    """A new member unit joins a committee in `by`'s subtree: the unit and its first membership, together."""
    unknown = set(fields) - UNIT_FIELDS
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    scoping.require_manages_committee(by, committee)
    with transaction.atomic():
        unit = _save_new(MemberUnit(**fields), by=by)
        membership = Membership(
            unit=unit, committee=committee, role=role, since=since or timezone.localdate()
        )
        _save_new(membership, by=by)
    return unit


def update_unit(unit: MemberUnit, *, by, **fields) -> MemberUnit:
    unknown = set(fields) - UNIT_FIELDS
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    scoping.require_change(by, unit)
    with transaction.atomic():
        unit = MemberUnit.objects.select_for_update().get(pk=unit.pk)
        for name, value in fields.items():
            setattr(unit, name, value)
        return _save_changed(unit, by=by, fields=[*fields, "updated_at"])


# --- People -----------------------------------------------------------------------------------------------------

PERSON_FIELDS = {"name", "phone", "email", "registered_by", "is_active"}
ADMINISTRATOR_FIELDS = {"is_superuser", "is_staff"}


def check_person_change(person: User, *, by, fields: dict) -> None:
    scoping.require_change(by, person)
    if ADMINISTRATOR_FIELDS & set(fields) and not by.is_superuser:
        raise PermissionDenied
    registered_by = fields.get("registered_by")
    if registered_by is not None and not by.is_superuser:
        scoping.require_manages_committee(by, registered_by)


def register_person(*, by, username: str, password: str, registered_by=None, **fields) -> User:
    """A person gets an account, registered by a committee `by` manages (who may then seat them)."""
    unknown = set(fields) - PERSON_FIELDS
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if not by.is_superuser:
        if registered_by is None:
            raise ValidationError({"registered_by": _("Choose the committee that registers the person.")})
        scoping.require_manages_committee(by, registered_by)
    person = User(username=username, registered_by=registered_by, **fields)
    person.set_password(password)
    return _save_new(person, by=by)


def update_person(person: User, *, by, **fields) -> User:
    unknown = set(fields) - PERSON_FIELDS - ADMINISTRATOR_FIELDS
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    check_person_change(person, by=by, fields=fields)
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        for name, value in fields.items():
            setattr(person, name, value)
        _save_changed(person, by=by, fields=list(fields))
    scoping.forget_scope(person)
    return person


# --- Memberships and seats --------------------------------------------------------------------------------------


def check_new_membership(*, by, unit: MemberUnit, committee) -> None:
    scoping.require_manages_committee(by, committee)
    if not scoping.manages_unit(by, unit):
        raise PermissionDenied


def add_membership(*, by, unit: MemberUnit, committee, role: str = Membership.Role.MEMBER_UNIT, since=None):
    """A unit joins a committee in `by`'s subtree (the unit must already be one `by` manages)."""
    check_new_membership(by=by, unit=unit, committee=committee)
    membership = Membership(unit=unit, committee=committee, role=role, since=since or timezone.localdate())
    return _save_new(membership, by=by)


def change_membership(membership: Membership, *, by, role: str) -> Membership:
    """Change a unit's role on a committee (chair unit, vice-chair unit, member unit)."""
    scoping.require_change(by, membership)
    membership.role = role
    return _save_changed(membership, by=by, fields=["role"])


def check_new_seat(*, by, committee, user, unit=None) -> None:
    scoping.require_manages_committee(by, committee)
    if not scoping.sees_person(by, user):
        raise PermissionDenied
    if unit is not None and not scoping.manages_unit(by, unit):
        raise PermissionDenied


def add_seat(
    *, by, committee, user, role: str, unit: MemberUnit | None = None, position: str = "", since=None
) -> Seat:
    """Give a person a seat on a committee in `by`'s subtree; their roles in the product follow from it."""
    check_new_seat(by=by, committee=committee, user=user, unit=unit)
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
    row.full_clean(validate_unique=True)
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
