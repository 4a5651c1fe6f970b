"""State changes of the registry; admin actions, forms, the API and tests all call these."""

import datetime

from django.db import transaction
from django.db.models import QuerySet

from . import scoping
from .models import Membership, Seat


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
