"""Escalation between levels (part of collecting): needs no one took within their committee's window widen
their reach one level up, so the committee above sees them in its lists and its runs."""

import datetime

from django.db.models import Q
from django.utils import timezone

from committees import escalation
from committees.models import Allocation, Claim, Need

from ..models import Proposal


def taken_need_ids():
    """Needs someone is on: an open proposal, a live claim, or an allocation in a project."""
    return Need.objects.filter(
        Q(pk__in=Proposal.objects.filter(status__in=Proposal.OPEN_STATUSES).values("need_id"))
        | Q(pk__in=Claim.objects.filter(status=Claim.Status.LIVE).values("need_id"))
        | Q(pk__in=Allocation.objects.values("need_id"))
    ).values("pk")


def run(now: datetime.datetime | None = None, scope_code: str = "") -> int:
    """Escalate every stale need in scope by one level; returns how many moved. Running it twice moves none twice:
    an escalated need's window starts again."""
    now = now or timezone.now()
    stale = list(escalation.stale_needs(taken_need_ids=taken_need_ids(), now=now, scope_code=scope_code))
    return sum(1 for need_id in stale if escalation.widen_reach(need_id, now=now))
