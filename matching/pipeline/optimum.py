"""The optimum over every feasible pair, not only the capped candidates, with a proof (column generation).

The run first solves on the capped candidates (at most MATCHING_MAX_CANDIDATES_PER_NEED per need). The solver then
gives dual prices per unit of quantity, u for each need and v for each resource, read from the residual graph
(solver.Assignment). A pair left out can improve the assignment only if its weight per unit exceeds u + v. So every
qualifying pair (collect.qualifying_pairs) is priced: first with an upper bound of its score (text similarity
taken as 1: no text work), and only the pairs whose bound exceeds u + v are scored exactly; those whose exact weight
exceeds u + v join the candidates and the problem is solved again. When none is left, the assignment is optimal over
every qualifying pair.

Every round also proves an upper bound on the optimum over all qualifying pairs (LP duality, solver.dual_bound):
sum(demand × u) + sum(supply × v) + sum over pairs of min(demand, supply) × max(0, weight − u − v), the sum running
over the pairs whose bound exceeds u + v (for every other pair the term is 0). The gap reported is
(bound − objective) / bound on the solver's integer objective; the loop stops when no pair is added, when the gap is
at most MATCHING_OPTIMALITY_GAP, or after MATCHING_PRICING_ROUNDS rounds (the gap then says how far it may be).
"""

import datetime
import logging

import numpy as np
from django.conf import settings

from committees.models import Category
from matching import scoring

from . import collect, propose
from .collect import Candidates
from .propose import Choice, Scored, ScoringContext

logger = logging.getLogger(__name__)


def choose(
    cands: Candidates,
    scored: Scored,
    *,
    today: datetime.date,
    context: ScoringContext,
    declined_pairs: set[tuple[int, int]],
    tolerance: float | None = None,
    max_rounds: int | None = None,
) -> tuple[Candidates, Scored, Choice]:
    """The assignment over the candidates grown until it is optimal over every qualifying pair (or proven within
    `tolerance`); returns the grown candidates, their scores and the choice (stats: gap, bound, rounds, added)."""
    tolerance = settings.MATCHING_OPTIMALITY_GAP if tolerance is None else tolerance
    max_rounds = settings.MATCHING_PRICING_ROUNDS if max_rounds is None else max_rounds
    per_need = settings.MATCHING_PRICING_PER_NEED
    other = Category.objects.filter(code="other").values_list("pk", flat=True).first() or -1
    solve_seconds, added, history = 0.0, 0, []
    choice, new_from = None, 0
    for rounds in range(1, max_rounds + 1):
        choice = propose.choose(cands, scored, with_duals=True, previous=choice, new_from=new_from)
        solve_seconds += choice.stats["solve_seconds"]
        new, excess = _price(
            cands, context, choice, other=other, declined_pairs=declined_pairs, per_need=per_need
        )
        demand = np.maximum(cands.needs.remaining, 0)
        supply = np.maximum(cands.resources.remaining, 0)
        bound = int(np.dot(demand, choice.need_price) + np.dot(supply, choice.resource_price) + excess)
        gap = (bound - choice.total_weight) / bound if bound > 0 else 0.0
        history.append((int(cands.edge_need.size), round(choice.stats["solve_seconds"], 2), round(gap, 6)))
        logger.info(
            "pricing round %d: %d candidates, solved in %.2f s, proven gap %.6f, %d pairs to add",
            rounds,
            cands.edge_need.size,
            choice.stats["solve_seconds"],
            gap,
            new[0].size,
        )
        if new[0].size == 0 or gap <= tolerance or rounds == max_rounds:
            break
        added += new[0].size
        new_from = cands.edge_need.size
        cands, scored = _extend(cands, scored, context, new)
    choice.stats.update(
        solve_seconds=solve_seconds,
        gap=max(gap, 0.0),
        bound=bound,
        rounds=rounds,
        added=added,
        history=history,
    )
    cands.stats["candidates"] = int(cands.edge_need.size)
    return cands, scored, choice


def _price(
    cands: Candidates, context: ScoringContext, choice: Choice, *, other: int, declined_pairs, per_need: int
):
    """The qualifying pairs outside the candidates whose exact weight exceeds the prices, and the bound's sum of
    min(demand, supply) × max(0, weight − u − v) over every qualifying pair."""
    needs, resources = cands.needs, cands.resources
    u, v = choice.need_price, choice.resource_price
    n_resources = max(len(resources), 1)
    present = np.sort(cands.edge_need * n_resources + cands.edge_resource)
    need_ok = np.flatnonzero(needs.remaining > 0)
    resource_ok = np.flatnonzero(resources.remaining > 0)
    excess_sum = 0
    found: list[tuple[np.ndarray, ...]] = []
    ceiling = _best_conceivable_weights(cands, context) - u + 2  # + 2: rounding never excludes a pair
    for n, r in collect.qualifying_pairs(
        needs, resources, need_ok, resource_ok, other=other, resource_price=v, need_ceiling=ceiling
    ):
        steps = collect.pair_distance(needs, resources, n, r)
        fit = np.where(
            resources.category[r] == needs.category[n], scoring.CATEGORY_EXACT, scoring.CATEGORY_OTHER
        )
        declined = collect.declined_mask(needs, resources, n, r, declined_pairs)
        prices = u[n] + v[r]
        upper = propose.score_edges(
            context,
            needs,
            resources,
            n,
            r,
            distance=steps,
            category_fit=fit,
            declined_before=declined,
            text=np.ones(n.size),
        )
        maybe = propose.unit_weights(needs.remaining[n], upper.total) > prices
        if not maybe.any():
            continue
        n, r, steps, fit, declined, prices = (a[maybe] for a in (n, r, steps, fit, declined, prices))
        exact = propose.score_edges(
            context, needs, resources, n, r, distance=steps, category_fit=fit, declined_before=declined
        )
        excess = propose.unit_weights(needs.remaining[n], exact.total) - prices
        positive = excess > 0
        if not positive.any():
            continue
        capacity = np.minimum(needs.remaining[n], resources.remaining[r])
        excess_sum += int(np.dot(capacity[positive], excess[positive]))
        key = n * n_resources + r
        outside = positive
        if present.size:
            position = np.minimum(np.searchsorted(present, key), present.size - 1)
            outside = positive & (present[position] != key)
        if outside.any():
            found.append(tuple(a[outside] for a in (n, r, steps, fit, declined, excess)))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return (empty, empty, empty, np.zeros(0), np.zeros(0, dtype=bool)), excess_sum
    n, r, steps, fit, declined, excess = (np.concatenate(parts) for parts in zip(*found, strict=True))
    if per_need <= 0:
        return (n, r, steps, fit, declined), excess_sum
    # Partial pricing: each need takes only its most violated few pairs per round. The solver's time grows
    # faster than its edges, and most violations vanish once the first few are in.
    order = np.lexsort((r, -excess, n))
    sorted_need = n[order]
    starts = np.flatnonzero(np.r_[True, sorted_need[1:] != sorted_need[:-1]])
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    keep = np.sort(order[rank < per_need])
    return tuple(a[keep] for a in (n, r, steps, fit, declined)), excess_sum


def _best_conceivable_weights(cands: Candidates, context: ScoringContext) -> np.ndarray:
    """Per need, the weight per unit of the best pair it could have (every part at its best, its own urgency, the
    best reputation of any resource): a resource priced at or above it minus the need's price cannot help."""
    needs = cands.needs
    count = len(needs)
    reputation = context.reputation[~np.isnan(context.reputation)]
    best_reputation = float(reputation.max()) if reputation.size else np.nan
    if (
        not np.isnan(best_reputation)
        and best_reputation < scoring.NEUTRAL_REPUTATION * scoring.REPUTATION_SCALE
    ):
        best_reputation = np.nan  # an unrated provider (neutral) scores better than the best rated one
    end = needs.end_day.astype(np.float64)
    days = np.where(end >= datetime.date.max.toordinal(), np.nan, end - context.today.toordinal())
    demand = np.maximum(needs.remaining, 1)
    parts = scoring.score_parts(
        category=np.ones(count),
        distance=np.zeros(count),
        text=np.ones(count),
        demand=demand,
        supply=demand,
        days_to_deadline=days,
        reputation=np.full(count, best_reputation),
        declined_before=np.zeros(count, dtype=bool),
    )
    return propose.unit_weights(demand, scoring.total_score(parts))


def _extend(cands: Candidates, scored: Scored, context: ScoringContext, new) -> tuple[Candidates, Scored]:
    n, r, steps, fit, declined = new
    extra = propose.score_edges(
        context,
        cands.needs,
        cands.resources,
        n,
        r,
        distance=steps,
        category_fit=fit,
        declined_before=declined,
    )
    grown = Candidates(
        needs=cands.needs,
        resources=cands.resources,
        edge_need=np.concatenate([cands.edge_need, n]),
        edge_resource=np.concatenate([cands.edge_resource, r]),
        distance=np.concatenate([cands.distance, steps]),
        category_fit=np.concatenate([cands.category_fit, fit]),
        declined_before=np.concatenate([cands.declined_before, declined]),
        stats=dict(cands.stats),
    )
    grown_scores = Scored(
        total=np.concatenate([scored.total, extra.total]),
        parts={name: np.concatenate([values, extra.parts[name]]) for name, values in scored.parts.items()},
        days_to_deadline=np.concatenate([scored.days_to_deadline, extra.days_to_deadline]),
        reputation=np.concatenate([scored.reputation, extra.reputation]),
    )
    return grown, grown_scores
