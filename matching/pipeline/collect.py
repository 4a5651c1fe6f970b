"""Collect: the live needs and resources of a scope with quantity left, and the candidate pairs among them.

A pair is a candidate when
- the categories fit: the same category, or a resource filed under "other" (which fits any need, at half score);
- the reaches cover each other: the resource's home lies in the area the need may draw from, and the need's home
  lies in the area the resource may serve (areas are division-code prefixes, see committees.models.lists);
- the time windows overlap: the resource is available before the need's deadline and is still available today;
- the owners differ.
Pairs come from sorted-key joins (category, home prefix at the longer reach), never dense blocks. Per need only the
best MAX_CANDIDATES_PER_NEED candidates by category, distance and quantity fit go on to the full
score (text similarity is the costly part); on small instances the cap never binds.
"""

import datetime
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
    tokens: scoring.TokenTable

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


def _side(
    rows: list[tuple],
    open_quantity: dict[int, int],
    *,
    is_need: bool,
    today: datetime.date,
    vocabulary: scoring.Vocabulary | None = None,
) -> Side:
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
        tokens=scoring.TokenTable.of(
            (r[8] for r in rows), scoring.Vocabulary() if vocabulary is None else vocabulary
        ),
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
    vocabulary = scoring.Vocabulary()  # one for both sides: their TF-IDF is fitted together
    need_side = _side(need_rows, need_open, is_need=True, today=today, vocabulary=vocabulary)
    resource_side = _side(resource_rows, resource_open, is_need=False, today=today, vocabulary=vocabulary)
    return need_side, resource_side


def candidates(
    needs: Side, resources: Side, *, declined_pairs: set[tuple[int, int]], limit: int | None = None
) -> Candidates:
    """All candidate pairs, at most `limit` (default max_candidates_per_need()) per need, as edge arrays.

    Pairs come from sorted-key joins, never from dense need × resource blocks: the reaches cover each other
    exactly when the homes share their code prefix at the longer of the two reach lengths, so for each pair of
    reach lengths the needs and the resources are joined on (category, that prefix); the windows and owners are
    then checked on the joined pairs. The work is proportional to the pairs that qualify. `limit=0` keeps
    every qualifying pair (the uncapped problem)."""
    limit = max_candidates_per_need() if limit is None else limit
    other = Category.objects.filter(code="other").values_list("pk", flat=True).first() or -1
    need_ok = np.flatnonzero(needs.remaining > 0)
    resource_ok = np.flatnonzero(resources.remaining > 0)
    kept_need, kept_resource, kept_distance, kept_fit = [], [], [], []
    for n, r in qualifying_pairs(needs, resources, need_ok, resource_ok, other=other):
        steps = pair_distance(needs, resources, n, r)
        fit = np.where(
            resources.category[r] == needs.category[n], scoring.CATEGORY_EXACT, scoring.CATEGORY_OTHER
        )
        if limit:
            keep = _best_per_need(needs, resources, n, r, steps, fit, limit)
            n, r, steps, fit = n[keep], r[keep], steps[keep], fit[keep]
        kept_need.append(n)
        kept_resource.append(r)
        kept_distance.append(steps)
        kept_fit.append(fit)

    def joined(parts, dtype):
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

    e_need, e_resource = joined(kept_need, np.int64), joined(kept_resource, np.int64)
    distance, fit = joined(kept_distance, np.int64), joined(kept_fit, np.float64)
    if limit and e_need.size:  # the best `limit` of each need over all the joins
        keep = _best_per_need(needs, resources, e_need, e_resource, distance, fit, limit)
        e_need, e_resource, distance, fit = e_need[keep], e_resource[keep], distance[keep], fit[keep]
    declined = declined_mask(needs, resources, e_need, e_resource, declined_pairs)
    return Candidates(
        needs=needs,
        resources=resources,
        edge_need=e_need,
        edge_resource=e_resource,
        distance=distance,
        category_fit=fit,
        declined_before=declined,
        stats={"needs": len(needs), "resources": len(resources), "candidates": int(e_need.size)},
    )


def declined_mask(needs: Side, resources: Side, e_need, e_resource, declined_pairs) -> np.ndarray:
    declined = np.zeros(e_need.size, dtype=bool)
    if declined_pairs and e_need.size:
        keys = needs.ids[e_need] * (1 << 32) + resources.ids[e_resource]
        declined_keys = np.fromiter((n * (1 << 32) + r for n, r in declined_pairs), dtype=np.int64)
        declined = np.isin(keys, declined_keys)
    return declined


PAIR_CHUNK = 500_000  # joined pairs are produced in chunks of about this many (bounds the memory)


def qualifying_pairs(
    needs: Side,
    resources: Side,
    need_ok: np.ndarray,
    resource_ok: np.ndarray,
    *,
    other: int,
    resource_price: np.ndarray | None = None,
    need_ceiling: np.ndarray | None = None,
):
    """Yield (need indices, resource indices) chunks: every pair whose categories fit, whose reaches cover each
    other, whose windows overlap and whose owners differ. Each qualifying pair is yielded exactly once.

    With `resource_price` and `need_ceiling` (pricing), only the pairs whose resource's price is below the need's
    ceiling are yielded: each join's pool is sorted by price, so the pairs left out are never even formed."""
    for need_length in LEVEL_LENGTHS:
        group = need_ok[needs.reach_length[need_ok] == need_length]
        if group.size == 0:
            continue
        for resource_length in LEVEL_LENGTHS:
            pool = resource_ok[resources.reach_length[resource_ok] == resource_length]
            if pool.size == 0:
                continue
            length = max(need_length, resource_length)
            need_prefix = needs.prefix[length][group]
            pool_prefix = resources.prefix[length][pool]
            g = group[need_prefix >= 0]
            p = pool[pool_prefix >= 0]
            if g.size == 0 or p.size == 0:
                continue
            # Key: (category, prefix at the longer reach length); prefixes have at most 12 digits (< 2**40).
            pool_key = resources.category[p] * (1 << 40) + resources.prefix[length][p]
            if resource_price is None:
                order = np.argsort(pool_key, kind="stable")
            else:
                order = np.lexsort((resource_price[p], pool_key))
            p, pool_key = p[order], pool_key[order]
            need_key = needs.category[g] * (1 << 40) + needs.prefix[length][g]
            other_key = other * (1 << 40) + needs.prefix[length][g]
            for keys, members in (
                (need_key, g),
                (other_key[needs.category[g] != other], g[needs.category[g] != other]),
            ):
                yield from _join(needs, resources, members, keys, p, pool_key, resource_price, need_ceiling)


def _join(needs: Side, resources: Side, members, keys, pool, pool_key, price=None, ceiling=None):
    low = np.searchsorted(pool_key, keys, side="left")
    high = np.searchsorted(pool_key, keys, side="right")
    if price is not None and pool.size:
        # Within a key the pool is sorted by price: (rank of the key) + price / (max + 2) orders the whole pool,
        # so one searchsorted finds where each need's ceiling cuts its key's range.
        rank = np.cumsum(np.r_[True, pool_key[1:] != pool_key[:-1]]) - 1
        scale = float(max(int(price[pool].max()), 0) + 2)
        composite = rank + price[pool] / scale
        need_rank = rank[np.minimum(low, pool.size - 1)]
        cut = np.searchsorted(
            composite, need_rank + np.clip(ceiling[members], 0, scale - 1) / scale, side="left"
        )
        high = np.clip(cut, low, high)
    counts = high - low
    has = np.flatnonzero(counts)
    if has.size == 0:
        return
    members, low, counts = members[has], low[has], counts[has]
    ends = np.cumsum(counts)
    # Chunks of whole needs, about PAIR_CHUNK pairs each.
    bounds = np.searchsorted(ends, np.arange(PAIR_CHUNK, ends[-1] + PAIR_CHUNK, PAIR_CHUNK), side="left") + 1
    start = 0
    for stop in np.unique(np.minimum(bounds, members.size)):
        m, lo, c = members[start:stop], low[start:stop], counts[start:stop]
        start = stop
        if m.size == 0:
            continue
        total = int(c.sum())
        offsets = np.cumsum(c) - c
        n = np.repeat(m, c)
        r = pool[np.arange(total) - np.repeat(offsets - lo, c)]
        ok = (resources.start_day[r] <= needs.end_day[n]) & (resources.end_day[r] >= needs.start_day[n])
        ok &= ~((needs.owner_unit[n] == resources.owner_unit[r]) & (needs.owner_unit[n] > 0))
        ok &= ~((needs.owner_committee[n] == resources.owner_committee[r]) & (needs.owner_committee[n] > 0))
        if ok.any():
            yield n[ok], r[ok]


def pair_distance(needs: Side, resources: Side, n: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Hierarchy steps between the homes: 0 same community (or committee), 1 street, 2 district, 3 city."""
    steps = np.full(n.size, 3, dtype=np.int64)
    for length, value in ((6, 2), (9, 1), (12, 0)):
        need_prefix = needs.prefix[length][n]
        same = (need_prefix == resources.prefix[length][r]) & (need_prefix >= 0)
        steps[same] = value
    steps[needs.committee_id[n] == resources.committee_id[r]] = 0
    return steps


def pre_scores(needs: Side, resources: Side, n, r, steps, fit) -> np.ndarray:
    """The cheap part of the score that picks each need's capped candidates (text similarity is left out)."""
    demand = needs.remaining[n]
    quantity = np.minimum(resources.remaining[r], demand) / demand
    pre_score = (
        scoring.WEIGHTS["category"] * fit
        + scoring.WEIGHTS["distance"] * np.clip(1 - scoring.DISTANCE_STEP * steps, 0, 1)
        + scoring.WEIGHTS["quantity"] * quantity
    )
    # Ties are common (same category, distance, quantity): a tiny deterministic jitter spreads each need's
    # capped choice over different resources, instead of every need keeping the same first few.
    return pre_score + 1e-6 * (((n * 73856093) ^ (r * 19349663)) % 1009) / 1009


def _best_per_need(needs: Side, resources: Side, n, r, steps, fit, limit: int) -> np.ndarray:
    """Positions of each need's best `limit` pairs by pre-score (exact ties: the earlier pair), in order.
    One integer sort on (need, pre-score quantised to 2**-39, finer than the jitter): lexsort is 20× slower."""
    pre_score = pre_scores(needs, resources, n, r, steps, fit)
    key = (n.astype(np.int64) << 40) | np.rint((1.0 - np.clip(pre_score, 0, 1)) * (1 << 39)).astype(np.int64)
    order = np.argsort(key, kind="stable")
    sorted_need = n[order]
    starts = np.flatnonzero(np.r_[True, sorted_need[1:] != sorted_need[:-1]])
    group_start = np.repeat(starts, np.diff(np.r_[starts, sorted_need.size]))
    rank = np.arange(sorted_need.size) - group_start
    return np.sort(order[rank < limit])


def declined_pairs(needs_query) -> set[tuple[int, int]]:
    """(need, resource) pairs declined before: penalised, not excluded (circumstances change)."""
    return set(
        Proposal.objects.filter(
            status=Proposal.Status.DECLINED, need__in=needs_query, resource__isnull=False
        ).values_list("need_id", "resource_id")
    )
