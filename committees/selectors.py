"""Read queries for the member units' pages that are more than a one-line filter (dashboard, browsing)."""

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from . import masking, scoping
from .models import Claim, CollectionRequest, Need, Resource, Seat

RECORD_RELATED = ("category", "committee", "owner_unit", "owner_committee")
DASHBOARD_ROWS = 5
CLAIMABLE_COUNT_SECONDS = 60


def own_records(user, model) -> QuerySet:
    """The records of the user's units, newest first."""
    return scoping.own_records(user, model).select_related(*RECORD_RELATED).order_by("-updated_at", "-pk")


def browsable(user, model) -> QuerySet:
    """Published records of others within reach: for needs, those the user's units may claim now."""
    if model is Need:
        records = scoping.claimable_by(user)
    else:
        records = scoping.resources_for(user).filter(status__in=Resource.LIVE_STATUSES)
    # Not the units' own records, by their owner (the same rows as `pk NOT IN own_records`, which PostgreSQL
    # answered by hashing every record of the table for each page).
    return (
        records.exclude(owner_unit_id__in=scoping.scope_of(user).liaison_unit_ids)
        .select_related(*RECORD_RELATED)
        .order_by("-published_at", "-pk")
    )


def dashboard(user) -> dict:
    """A liaison's home: their units, recent records, open collection requests, live claims, projects."""
    scope = scoping.scope_of(user)
    today = timezone.localdate()
    needs = list(own_records(user, Need)[:DASHBOARD_ROWS])
    resources = list(own_records(user, Resource)[:DASHBOARD_ROWS])
    return {
        "units": list(scoping.units_acted_for(user)),
        "seats": list(
            Seat.objects.current()
            .filter(user=user)
            .select_related("committee", "unit")
            .order_by("committee__area_code")
        ),
        "needs": masking.apply_masks(user, needs),
        "resources": masking.apply_masks(user, resources),
        "open_requests": list(
            scoping.own_collection_requests(user)
            .filter(
                answered_at__isnull=True,
                round__closes_on__gte=today,
                round__opens_on__lte=today,
            )
            .select_related("round__committee", "unit")
            .order_by("round__closes_on")
        ),
        "claims": list(
            scoping.own_claims(user)
            .filter(status=Claim.Status.LIVE)
            .select_related("need", "unit")
            .order_by("-created_at")[:DASHBOARD_ROWS]
        ),
        "projects": list(
            scoping.projects_for(user)
            .select_related("committee", "lead_unit")
            .order_by("-starts_on")[:DASHBOARD_ROWS]
        ),
        "claimable_count": claimable_count(user) if scope.is_liaison else 0,
    }


def claimable_count(user) -> int:
    """How many needs the user's units may claim now, for the dashboard's button to the claim hall: a figure,
    counted at most once a minute per person (the claim hall itself is always live). Counting every need within
    reach on every visit was a fifth of the dashboard's database time with 50 liaisons at city scale."""
    key = f"dashboard:claimable:{user.pk}"
    count = cache.get(key)
    if count is None:
        count = browsable(user, Need).count()
        cache.set(key, count, CLAIMABLE_COUNT_SECONDS)
    return count


def answers_to(request: CollectionRequest) -> dict:
    """What a unit registered in answer to a collection request."""
    return {
        "answer_needs": list(Need.objects.filter(collection_request=request).select_related("category")),
        "answer_resources": list(
            Resource.objects.filter(collection_request=request).select_related("category")
        ),
    }
