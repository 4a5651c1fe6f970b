"""Escalation between levels: a need that found no taker in its window widens its reach one level up
(community → street → district → city), so the committees above see it in their lists and runs."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Need
from .models.lists import REACH_CODE_LENGTH, WIDER_REACH, reach_prefix


def widen_reach(need_id: int, *, now: datetime.datetime) -> Need | None:
    """Widen one need's reach by one level, recorded in its history; None if it changed meanwhile or is at city."""
    with transaction.atomic():
        need = Need.objects.select_for_update().select_related("committee").get(pk=need_id)
        wider = WIDER_REACH.get(need.reach)
        if need.status not in Need.LIVE_STATUSES or wider is None:
            return None
        before = need.get_reach_display()
        need.reach = wider
        need.reach_prefix = reach_prefix(need.committee.area_code, wider)
        need.escalated_at = now
        need._change_reason = _("Escalated: no taker within %(days)d days (%(before)s → %(after)s)") % {
            "days": need.committee.escalation_days,
            "before": before,
            "after": need.get_reach_display(),
        }
        need.save(update_fields=["reach", "reach_prefix", "escalated_at", "updated_at"])
    return need


def stale_needs(*, taken_need_ids, now: datetime.datetime, scope_code: str = ""):
    """Live needs in scope whose window (per committee) has passed since publication or the last escalation,
    that no one has taken (the caller passes the ids of needs with an open proposal, claim or allocation)."""
    candidates = (
        Need.objects.filter(status__in=Need.LIVE_STATUSES, committee__area_code__startswith=scope_code)
        .exclude(reach__in=[r for r, length in REACH_CODE_LENGTH.items() if r not in WIDER_REACH])
        .exclude(pk__in=taken_need_ids)
        .select_related("committee")
        .only("pk", "published_at", "escalated_at", "committee__escalation_days")
        .filter(Q(published_at__isnull=False))
    )
    for need in candidates.iterator(chunk_size=2000):
        since = need.escalated_at or need.published_at
        if since + datetime.timedelta(days=need.committee.escalation_days) <= now:
            yield need.pk
