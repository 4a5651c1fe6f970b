"""State changes of the registry: memberships and seats. Admin, API and tests call these."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import scoping
from committees.models import Membership, MemberUnit, Seat


def add_membership(*, by, unit: MemberUnit, committee, role: str = Membership.Role.MEMBER_UNIT, since=None):
    """A unit joins a committee in `by`'s subtree (the unit must already be one `by` manages)."""
    scoping.require_manages_committee(by, committee)
    if not scoping.manages_unit(by, unit):
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
    scoping.require_manages_committee(by, committee)
    if not scoping.sees_person(by, user):
        raise PermissionDenied
    if unit is not None and not scoping.manages_unit(by, unit):
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
    return _end_rows(allowed, on=on)


def _end_rows(rows: QuerySet, *, on: datetime.date) -> int:
    ended = 0
    with transaction.atomic():
        # Row by row so that each change is written to the history with its author (bulk updates skip it).
        for row in rows.select_for_update().filter(until__isnull=True):
            row.until = max(on, row.since)
            row.save(update_fields=["until"])
            ended += 1
    return ended
