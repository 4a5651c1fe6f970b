"""The registry's to-do items (config.todo): collection requests to answer (liaison), overdue rounds (secretary).

Registered in CommitteesConfig.ready(); constant queries; an item leaves the list when the thing is done.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.todo import TodoItem, register_todo

from . import scoping

LIMIT = 10
OVERDUE_DAYS_SHOWN = 14  # a closed round with units that never answered is shown this long after it closed


def collection_requests_due(user) -> list[TodoItem]:
    if not scoping.scope_of(user).is_liaison:
        return []
    today = timezone.localdate()
    rows = (
        scoping.own_collection_requests(user)
        .filter(answered_at__isnull=True, round__closes_on__gte=today, round__opens_on__lte=today)
        .select_related("round__committee", "unit")
        .order_by("round__closes_on", "pk")[:LIMIT]
    )
    return [
        TodoItem(
            kind="collection",
            title=_("Answer the collection round: %(title)s") % {"title": asked.round.title},
            url=reverse("collection_request", args=[asked.pk]),
            deadline=asked.round.closes_on,
            detail=f"{asked.round.committee.name} · {asked.unit.name}",
        )
        for asked in rows
    ]


def overdue_rounds(user) -> list[TodoItem]:
    """Rounds closed in the last two weeks with units that never answered: chase them or close the books."""
    if not scoping.scope_of(user).manages_anything:
        return []
    today = timezone.localdate()
    rows = (
        scoping.rounds_to_manage(user)
        .filter(closes_on__lt=today, closes_on__gte=today - datetime.timedelta(days=OVERDUE_DAYS_SHOWN))
        .annotate(unanswered=Count("requests", filter=Q(requests__answered_at__isnull=True)))
        .filter(unanswered__gt=0)
        .select_related("committee")
        .order_by("closes_on", "pk")[:LIMIT]
    )
    return [
        TodoItem(
            kind="rounds",
            title=_("Round overdue: %(title)s, %(count)d unit(s) have not answered")
            % {"title": round_.title, "count": round_.unanswered},
            url=reverse("admin:committees_collectionround_change", args=[round_.pk]),
            deadline=round_.closes_on,
            detail=round_.committee.name,
        )
        for round_ in rows
    ]


def register() -> None:
    register_todo("collection", collection_requests_due, order=20)
    register_todo("rounds", overdue_rounds, order=140)
