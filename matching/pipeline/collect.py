"""Collect: the live needs and resources of a scope with quantity left, and the candidate pairs among them.

A pair is a candidate when
- the categories fit: the same category, or a resource filed under "other" (which fits any need, at half score);
- the reaches cover each other: the resource's home lies in the area the need may draw from, and the need's home
  lies in the area the resource may serve (areas are division-code prefixes, see committees.models.lists);
- the time windows overlap: the resource is available before the need's deadline and is still available today;
- the owners differ.
Per need only the best MAX_CANDIDATES_PER_NEED candidates by category, distance and quantity fit go on to the full
score (text similarity is the costly part); on small instances the cap never binds.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Q, Sum

from committees.models import Category, Need, Resource
from committees.models.lists import REACH_CODE_LENGTH
from matching import scoring

from ..models import Proposal

LEVEL_LENGTHS = (0, 6, 9, 12)
FAR_FUTURE = datetime.date.max.toordinal()
FAR_PAST = datetime.date.min.toordinal()


def max_candidates_per_need() -> int:
    return settings.MATCHING_MAX_CANDIDATES_PER_NEED


@dataclass
class Side:
    """One side (needs or resources) as arrays; index i describes the i-th record."""

    ids: np.ndarray
    category: np.ndarray
    home_code: list[str]
    committee_id: np.ndarray
    prefix: dict[int, np.ndarray]  # code prefix of the home at each length (-1 where the home is shorter)
    reach_length: np.ndarray  # effective length of the reach prefix (0 = the whole city)
    remaining: np.ndarray
    owner_unit: np.ndarray  # 0 for a committee's own record
    owner_committee: np.ndarray  # 0 for a unit's record
    start_day: np.ndarray  # ordinal day from which it applies
    end_day: np.ndarray  # ordinal day until which it applies
    tokens: list[list[str]]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Candidates:
    needs: Side
    resources: Side
    edge_need: np.ndarray
    edge_resource: np.ndarray
    distance: np.ndarray
    category_fit: np.ndarray
    declined_before: np.ndarray
    stats: dict = field(default_factory=dict)


def _side(rows: list[tuple], open_quantity: dict[int, int], *, is_need: bool, today: datetime.date) -> Side:
    count = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=count)
    home = [r[2] for r in rows]
    prefix = {0: np.zeros(count, dtype=np.int64)}
    for length in LEVEL_LENGTHS[1:]:
        prefix[length] = np.fromiter(
            (int(c[:length]) if len(c) >= length else -1 for c in home), np.int64, count
        )
    reach_length = np.fromiter(
        (min(REACH_CODE_LENGTH[r[3]], len(r[2])) for r in rows), dtype=np.int64, count=count
    )
    remaining = np.fromiter((r[4] - r[5] - open_quantity.get(r[0], 0) for r in rows), np.int64, count)
    if is_need:
        start = np.full(count, today.toordinal(), dtype=np.int64)
        end = np.fromiter((r[10].toordinal() if r[10] else FAR_FUTURE for r in rows), np.int64, count)
    else:
        start = np.fromiter((r[10].toordinal() if r[10] else FAR_PAST for r in rows), np.int64, count)
        end = np.fromiter((r[11].toordinal() if r[11] else FAR_FUTURE for r in rows), np.int64, count)
    return Side(
        ids=ids,
        category=np.fromiter((r[1] for r in rows), dtype=np.int64, count=count),
        home_code=home,
        committee_id=np.fromiter((r[9] for r in rows), dtype=np.int64, count=count),
        prefix=prefix,
        reach_length=reach_length,
        remaining=remaining,
        owner_unit=np.fromiter((r[6] or 0 for r in rows), dtype=np.int64, count=count),
        owner_committee=np.fromiter((r[7] or 0 for r in rows), dtype=np.int64, count=count),
        start_day=start,
        end_day=end,
        tokens=[r[8].split() if r[8] else [] for r in rows],
    )


def _open_quantities(field_name: str, ids_query) -> dict[int, int]:
    """Quantity already in open proposals, per need or resource: it is spoken for until decided or expired."""
    rows = (
        Proposal.objects.filter(status__in=Proposal.OPEN_STATUSES, **{f"{field_name}__in": ids_query})
        .values(field_name)
        .annotate(total=Sum("quantity"))
        .values_list(field_name, "total")
    )
    return dict(rows)


COMMON = (
    "pk",
    "category_id",
    "committee__area_code",
    "reach",
    "quantity",
    "allocated_quantity",
    "owner_unit_id",
    "owner_committee_id",
    "tokens",
    "committee_id",
)


def needs_in_scope(scope_code: str):
    return Need.objects.filter(status__in=Need.LIVE_STATUSES, committee__area_code__startswith=scope_code)


def resources_for_scope(scope_code: str, *, shared_only: bool = False, exclude_shared: bool = False):
    """Live resources whose service area meets the scope: inside it, or an ancestor's area holding it all.
    `shared` resources are those whose area spans more than one district (they are split across shards)."""
    live = Resource.objects.filter(status__in=Resource.LIVE_STATUSES)
    ancestors = [scope_code[:length] for length in LEVEL_LENGTHS if length <= len(scope_code)]
    meets = Q(reach_prefix__startswith=scope_code) | Q(reach_prefix__in=ancestors)
    shared = Q(reach_prefix="")
    if shared_only:
        return live.filter(shared)
    if exclude_shared:
        return live.filter(meets).exclude(shared)
    return live.filter(meets)


def input_rows(needs, resources):
    """The two queries a run reads its inputs with (the benchmark's floor reads the same SQL by COPY)."""
    return (
        needs.values_list(*COMMON, "deadline"),
        resources.values_list(*COMMON, "available_from", "available_until"),
    )


def load(scope_code: str, *, today: datetime.date, resources=None, needs=None) -> tuple[Side, Side]:
    needs = needs if needs is not None else needs_in_scope(scope_code)
    resources = resources if resources is not None else resources_for_scope(scope_code)
    need_query, resource_query = input_rows(needs, resources)
    need_rows, resource_rows = list(need_query), list(resource_query)
    need_open = _open_quantities("need", needs.values("pk")) if need_rows else {}
    resource_open = _open_quantities("resource", resources.values("pk")) if resource_rows else {}
    need_side = _side(need_rows, need_open, is_need=True, today=today)
    resource_side = _side(resource_rows, resource_open, is_need=False, today=today)
    return need_side, resource_side


def candidates(needs: Side, resources: Side, *, declined_pairs: set[tuple[int, int]]) -> Candidates:
    """All candidate pairs, at most max_candidates_per_need() per need, as edge arrays."""
    limit = max_candidates_per_need()
    other = Category.objects.filter(code="other").values_list("pk", flat=True).first() or -1
    need_ok = np.flatnonzero(needs.remaining > 0)
    resource_ok = np.flatnonzero(resources.remaining > 0)
    # Resources by (category, prefix length, prefix of their home): the areas needs draw from.
    by_area: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for r in resource_ok:
        for length in LEVEL_LENGTHS:
            value = resources.prefix[length][r]
            if value >= 0:
                by_area[(resources.category[r], length, value)].append(r)
    by_area_arrays = {key: np.asarray(value, dtype=np.int64) for key, value in by_area.items()}
    empty = np.zeros(0, dtype=np.int64)
    # Needs grouped by the area they draw from, so each group shares one candidate list.
    groups: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for n in need_ok:
        length = needs.reach_length[n]
        groups[(needs.category[n], length, needs.prefix[length][n])].append(n)

    edge_need, edge_resource, distance, fit = [], [], [], []
    for (category, length, value), members in groups.items():
        pool = by_area_arrays.get((category, length, value), empty)
        if category != other:
            extra = by_area_arrays.get((other, length, value), empty)
            pool = np.concatenate([pool, extra]) if extra.size else pool
        if pool.size == 0:
            continue
        group = np.asarray(members, dtype=np.int64)
        valid = _serves(needs, resources, group, pool) & _windows_overlap(needs, resources, group, pool)
        valid &= ~_same_owner(needs, resources, group, pool)
        if not valid.any():
            continue
        steps = _distance(needs, resources, group, pool)
        category_fit = np.where(
            resources.category[pool] == category, scoring.CATEGORY_EXACT, scoring.CATEGORY_OTHER
        )
        quantity = (
            np.minimum(resources.remaining[pool][None, :], needs.remaining[group][:, None])
            / needs.remaining[group][:, None]
        )
        pre_score = (
            scoring.WEIGHTS["category"] * category_fit[None, :]
            + scoring.WEIGHTS["distance"] * np.clip(1 - scoring.DISTANCE_STEP * steps, 0, 1)
            + scoring.WEIGHTS["quantity"] * quantity
        )
        # Ties are common (same category, distance, quantity): a tiny deterministic jitter spreads each need's
        # capped choice over different resources, instead of every need keeping the same first few.
        pre_score = (
            pre_score + 1e-6 * (((group[:, None] * 73856093) ^ (pool[None, :] * 19349663)) % 1009) / 1009
        )
        pre_score = np.where(valid, pre_score, -1.0)
        if pool.size > limit:
            keep = np.argpartition(-pre_score, limit - 1, axis=1)[:, :limit]
        else:
            keep = np.broadcast_to(np.arange(pool.size), (group.size, pool.size))
        rows = np.repeat(np.arange(group.size), keep.shape[1])
        cols = keep.ravel()
        chosen = valid[rows, cols]
        rows, cols = rows[chosen], cols[chosen]
        edge_need.append(group[rows])
        edge_resource.append(pool[cols])
        distance.append(steps[rows, cols])
        fit.append(category_fit[cols])

    def joined(parts, dtype):
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

    e_need, e_resource = joined(edge_need, np.int64), joined(edge_resource, np.int64)
    declined = np.zeros(e_need.size, dtype=bool)
    if declined_pairs and e_need.size:
        keys = needs.ids[e_need] * (1 << 32) + resources.ids[e_resource]
        declined_keys = np.fromiter((n * (1 << 32) + r for n, r in declined_pairs), dtype=np.int64)
        declined = np.isin(keys, declined_keys)
    return Candidates(
        needs=needs,
        resources=resources,
        edge_need=e_need,
        edge_resource=e_resource,
        distance=joined(distance, np.int64),
        category_fit=joined(fit, np.float64),
        declined_before=declined,
        stats={
            "needs": len(needs),
            "resources": len(resources),
            "candidates": int(e_need.size),
            "groups": len(groups),
        },
    )


def _serves(needs: Side, resources: Side, group: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """The resource's area holds the need's home (the need's area holding the resource's home is the pool)."""
    ok = np.zeros((group.size, pool.size), dtype=bool)
    for length in LEVEL_LENGTHS:
        at_length = resources.reach_length[pool] == length
        if not at_length.any():
            continue
        if length == 0:
            ok |= at_length[None, :]
        else:
            ok |= at_length[None, :] & (
                needs.prefix[length][group][:, None] == resources.prefix[length][pool][None, :]
            )
    return ok


def _windows_overlap(needs: Side, resources: Side, group: np.ndarray, pool: np.ndarray) -> np.ndarray:
    return (resources.start_day[pool][None, :] <= needs.end_day[group][:, None]) & (
        resources.end_day[pool][None, :] >= needs.start_day[group][:, None]
    )


def _same_owner(needs: Side, resources: Side, group: np.ndarray, pool: np.ndarray) -> np.ndarray:
    same_unit = (needs.owner_unit[group][:, None] == resources.owner_unit[pool][None, :]) & (
        needs.owner_unit[group][:, None] > 0
    )
    same_committee = (needs.owner_committee[group][:, None] == resources.owner_committee[pool][None, :]) & (
        needs.owner_committee[group][:, None] > 0
    )
    return same_unit | same_committee


def _distance(needs: Side, resources: Side, group: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """Hierarchy steps between the homes: 0 same community (or committee), 1 street, 2 district, 3 city."""
    steps = np.full((group.size, pool.size), 3, dtype=np.int64)
    for length, value in ((6, 2), (9, 1), (12, 0)):
        same = (needs.prefix[length][group][:, None] == resources.prefix[length][pool][None, :]) & (
            needs.prefix[length][group][:, None] >= 0
        )
        steps = np.where(same, value, steps)
    same_committee = needs.committee_id[group][:, None] == resources.committee_id[pool][None, :]
    return np.where(same_committee, 0, steps)


def declined_pairs(needs_query) -> set[tuple[int, int]]:
    """(need, resource) pairs declined before: penalised, not excluded (circumstances change)."""
    return set(
        Proposal.objects.filter(
            status=Proposal.Status.DECLINED, need__in=needs_query, resource__isnull=False
        ).values_list("need_id", "resource_id")
    )
