"""The optimum over every feasible pair (matching/pipeline/optimum.py) against an independent LP (HiGHS).

Random instances with a tight cap (one candidate per need), so the capped optimum is usually not the true one: the
pricing rounds must find the pairs left out. The feasible pairs are listed here by brute force from the rules in
plain Python (homes, reaches, windows, owners), independently of collect's sorted-key joins, and the linear
programme over all of them (totally unimodular: its optimum is the integer optimum) must equal the solver's
integer objective, with a proven gap of 0."""

import datetime

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, vstack

from committees.models import Category
from committees.models.lists import REACH_CODE_LENGTH
from matching import solver
from matching.pipeline import collect, optimum, propose

TODAY = datetime.date(2026, 12, 1)
WORDS = ["志愿者", "活动室", "老年人", "义诊", "培训", "社区", "儿童", "法律"]
REACHES = ["community", "street", "district", "city"]


def random_homes(rng):
    districts = [f"1101{d:02d}" for d in range(1, 4)]
    streets = [f"{d}{s:03d}" for d in districts for s in range(1, 4)]
    communities = [f"{s}{c:03d}" for s in streets for c in range(1, 4)]
    return districts, streets, communities


def random_rows(rng, count, *, is_need, categories, homes, first_pk):
    districts, streets, communities = homes
    committee_of = {code: i + 1 for i, code in enumerate(districts + streets + communities)}
    rows = []
    for k in range(count):
        level = rng.choice(3, p=[0.2, 0.3, 0.5])
        home = str(rng.choice([districts, streets, communities][level]))
        unit = int(rng.integers(1, 6)) if rng.random() < 0.7 else None
        tokens = " ".join(rng.choice(WORDS, size=int(rng.integers(0, 4))))
        quantity = int(rng.integers(1, 8))
        row = [
            first_pk + k,
            int(rng.choice(categories)),
            home,
            str(rng.choice(REACHES)),
            quantity,
            int(rng.integers(0, 2)) if quantity > 1 else 0,
            unit,
            None if unit else committee_of[home],
            tokens,
            committee_of[home],
        ]
        day = lambda offset: TODAY + datetime.timedelta(days=int(offset))  # noqa: E731
        if is_need:
            row.append(day(rng.integers(-5, 60)) if rng.random() < 0.6 else None)
        else:
            row.append(day(rng.integers(-30, 30)) if rng.random() < 0.5 else None)
            row.append(day(rng.integers(-10, 90)) if rng.random() < 0.5 else None)
        rows.append(tuple(row))
    return rows


def feasible_pairs(need_rows, resource_rows, needs, resources, other):
    """Every pair the rules allow, checked row by row in plain Python."""
    pairs = []
    for i, n in enumerate(need_rows):
        for j, r in enumerate(resource_rows):
            if needs.remaining[i] <= 0 or resources.remaining[j] <= 0:
                continue
            if not (r[1] == n[1] or (r[1] == other and n[1] != other)):
                continue
            need_area = n[2][: min(REACH_CODE_LENGTH[n[3]], len(n[2]))]
            resource_area = r[2][: min(REACH_CODE_LENGTH[r[3]], len(r[2]))]
            if not (r[2].startswith(need_area) and n[2].startswith(resource_area)):
                continue
            deadline, available_from, available_until = n[10], r[10], r[11]
            if available_from and deadline and available_from > deadline:
                continue
            if available_until and available_until < TODAY:
                continue
            if (n[6] and n[6] == r[6]) or (n[7] and n[7] == r[7]):
                continue
            pairs.append((i, j))
    return pairs


def lp_optimum(demand, supply, edge_need, edge_resource, weight) -> float:
    n_edges = edge_need.size
    columns = np.arange(n_edges)
    rows = vstack(
        [
            csr_matrix((np.ones(n_edges), (edge_need, columns)), shape=(demand.size, n_edges)),
            csr_matrix((np.ones(n_edges), (edge_resource, columns)), shape=(supply.size, n_edges)),
        ]
    )
    lp = linprog(-weight, A_ub=rows, b_ub=np.concatenate([demand, supply]), bounds=(0, None), method="highs")
    assert lp.status == 0
    return -lp.fun


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(12))
def test_the_uncapped_optimum_equals_an_independent_lp_over_every_feasible_pair(seed, settings):
    settings.MATCHING_MAX_CANDIDATES_PER_NEED = 1
    rng = np.random.default_rng(seed)
    other = Category.objects.get_or_create(code="other", defaults={"name": "其他"})[0].pk
    categories = [other, *Category.objects.exclude(pk=other).values_list("pk", flat=True)[:2]]
    assert len(categories) == 3
    homes = random_homes(rng)
    need_rows = random_rows(rng, 40, is_need=True, categories=categories, homes=homes, first_pk=1)
    resource_rows = random_rows(rng, 40, is_need=False, categories=categories, homes=homes, first_pk=1)
    needs = collect._side(need_rows, {}, is_need=True, today=TODAY)
    resources = collect._side(resource_rows, {}, is_need=False, today=TODAY)

    capped = collect.candidates(needs, resources, declined_pairs=set())
    context = propose.scoring_context(needs, resources, today=TODAY)
    scored = propose.score(capped, today=TODAY, context=context)
    capped_choice = propose.choose(capped, scored)
    cands, scored, choice = optimum.choose(
        capped, scored, today=TODAY, context=context, declined_pairs=set(), tolerance=0.0, max_rounds=50
    )

    pairs = feasible_pairs(need_rows, resource_rows, needs, resources, other)
    every = collect.candidates(needs, resources, declined_pairs=set(), limit=0)
    assert sorted(zip(every.edge_need.tolist(), every.edge_resource.tolist(), strict=True)) == pairs
    all_scores = propose.score(every, today=TODAY, context=context)
    weight = propose.unit_weights(needs.remaining[every.edge_need], all_scores.total)
    useful = weight > 0
    demand, supply = np.maximum(needs.remaining, 0), np.maximum(resources.remaining, 0)
    best = lp_optimum(demand, supply, every.edge_need[useful], every.edge_resource[useful], weight[useful])

    assert choice.total_weight == round(best)
    assert choice.stats["bound"] >= round(best)  # the proven bound really bounds the optimum over every pair
    assert choice.stats["gap"] == 0
    assert choice.total_weight > capped_choice.total_weight  # the cap of one binds: pricing had work to do
    assert choice.stats["added"] > 0
    # The grown candidates are feasible pairs, each once.
    keys = cands.edge_need * len(resources) + cands.edge_resource
    assert np.unique(keys).size == keys.size
    assert set(zip(cands.edge_need.tolist(), cands.edge_resource.tolist(), strict=True)) <= set(pairs)


def test_the_dual_bound_is_an_upper_bound_and_tight_at_the_optimum():
    rng = np.random.default_rng(5)
    for _ in range(40):
        n_needs, n_resources = int(rng.integers(1, 25)), int(rng.integers(1, 25))
        demand, supply = rng.integers(0, 9, n_needs), rng.integers(0, 9, n_resources)
        keys = np.unique(rng.integers(0, n_needs * n_resources, int(rng.integers(1, 120))))
        edge_need, edge_resource = keys // n_resources, keys % n_resources
        weight = rng.integers(1, 1000, keys.size)
        result = solver.solve(demand, supply, edge_need, edge_resource, weight, with_duals=True)
        bound = solver.dual_bound(
            demand, supply, result.need_price, result.resource_price, edge_need, edge_resource, weight
        )
        assert bound == result.total_weight
        # Any other prices give a bound no lower than the optimum.
        shaken = solver.dual_bound(
            demand,
            supply,
            rng.integers(0, 1000, n_needs),
            rng.integers(0, 1000, n_resources),
            edge_need,
            edge_resource,
            weight,
        )
        assert shaken >= result.total_weight
