"""Escalation between levels (part of collecting): needs no one took within their committee's window widen
their reach one level up, so the committee above sees them in its lists and its runs."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Allocation, Claim, Need, Project
from committees.models.lists import REACH_CODE_LENGTH, WIDER_REACH, reach_prefix
from matching.models import Proposal


def taken_need_ids():
    """Needs someone is on: an open proposal, a live claim, or an allocation in a project not cancelled."""
    return Need.objects.filter(
        Q(pk__in=Proposal.objects.filter(status__in=Proposal.OPEN_STATUSES).values("need_id"))
        | Q(pk__in=Claim.objects.filter(status=Claim.Status.LIVE).values("need_id"))
        | Q(pk__in=Allocation.objects.exclude(project__status=Project.Status.CANCELLED).values("need_id"))
    ).values("pk")


def run(now: datetime.datetime | None = None, scope_code: str = "") -> int:
    """Escalate every stale need in scope by one level; returns how many moved. Running it twice moves none twice:
    an escalated need's window starts again."""
    now = now or timezone.now()
    stale = list(stale_needs(taken_need_ids=taken_need_ids(), now=now, scope_code=scope_code))
    return sum(1 for need_id in stale if widen_reach(need_id, now=now))


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
