"""The min-cost-flow assignment against brute force, linear_sum_assignment, an LP and the greedy baseline."""

from functools import cache

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment, linprog
from scipy.sparse import csr_matrix, vstack

from matching.solver import Assignment, SolverError, solve, solve_greedy

N_RANDOM_INSTANCES = 300


def random_instance(rng: np.random.Generator, *, max_side: int, max_quantity: int, with_capacity: bool):
    n_needs = int(rng.integers(1, max_side + 1))
    n_resources = int(rng.integers(1, max_side + 1))
    demand = rng.integers(1, max_quantity + 1, n_needs)
    supply = rng.integers(1, max_quantity + 1, n_resources)
    pairs = [(i, j) for i in range(n_needs) for j in range(n_resources) if rng.random() < 0.7]
    edge_need = np.array([i for i, _ in pairs], dtype=np.int64)
    edge_resource = np.array([j for _, j in pairs], dtype=np.int64)
    edge_weight = rng.integers(1, 10, len(pairs))
    edge_capacity = rng.integers(0, max_quantity + 1, len(pairs)) if with_capacity else None
    return demand, supply, edge_need, edge_resource, edge_weight, edge_capacity


def brute_force_optimum(demand, supply, edge_need, edge_resource, edge_weight, edge_capacity) -> int:
    """Try every integer flow on every edge, edge by edge, remembering the remaining quantities."""
    n_edges = len(edge_need)
    capacity = (
        [min(demand[i], supply[j]) for i, j in zip(edge_need, edge_resource, strict=True)]
        if edge_capacity is None
        else list(edge_capacity)
    )

    @cache
    def best(edge: int, demand_left: tuple[int, ...], supply_left: tuple[int, ...]) -> int:
        if edge == n_edges:
            return 0
        i, j = int(edge_need[edge]), int(edge_resource[edge])
        result = 0
        for amount in range(min(int(capacity[edge]), demand_left[i], supply_left[j]) + 1):
            d = demand_left[:i] + (demand_left[i] - amount,) + demand_left[i + 1 :]
            s = supply_left[:j] + (supply_left[j] - amount,) + supply_left[j + 1 :]
            result = max(result, int(edge_weight[edge]) * amount + best(edge + 1, d, s))
        return result

    return best(0, tuple(int(x) for x in demand), tuple(int(x) for x in supply))


def assert_feasible(
    assignment: Assignment, demand, supply, edge_need, edge_resource, edge_weight, edge_capacity
):
    flow = assignment.flow
    assert flow.dtype == np.int64
    assert flow.shape == (len(edge_need),)
    assert (flow >= 0).all()
    if edge_capacity is not None:
        assert (flow <= edge_capacity).all()
    assert (np.bincount(edge_need, weights=flow, minlength=len(demand)) <= demand).all()
    assert (np.bincount(edge_resource, weights=flow, minlength=len(supply)) <= supply).all()
    assert assignment.total_weight == int(np.dot(edge_weight, flow))


def test_it_matches_brute_force_on_small_random_instances():
    rng = np.random.default_rng(20240601)
    for _ in range(N_RANDOM_INSTANCES):
        instance = random_instance(rng, max_side=4, max_quantity=3, with_capacity=rng.random() < 0.5)

        optimal = solve(*instance)

        assert_feasible(optimal, *instance)
        assert optimal.total_weight == brute_force_optimum(*instance)


def test_it_matches_linear_sum_assignment_for_unit_quantities():
    rng = np.random.default_rng(7)
    for _ in range(N_RANDOM_INSTANCES):
        n_needs, n_resources = int(rng.integers(1, 9)), int(rng.integers(1, 9))
        weights = rng.integers(1, 100, (n_needs, n_resources)) * (rng.random((n_needs, n_resources)) < 0.5)
        edge_need, edge_resource = np.nonzero(weights)
        edge_weight = weights[edge_need, edge_resource]

        optimal = solve(
            np.ones(n_needs, np.int64), np.ones(n_resources, np.int64), edge_need, edge_resource, edge_weight
        )

        rows, cols = linear_sum_assignment(weights, maximize=True)
        chosen = weights[rows, cols]
        assert optimal.total_weight == int(chosen[chosen > 0].sum())
        assert set(np.flatnonzero(optimal.flow)) <= set(range(len(edge_weight)))
        assert optimal.flow.max(initial=0) <= 1


def test_it_matches_the_linear_programme_on_medium_random_instances():
    # The constraint matrix is totally unimodular, so the LP optimum is the integer optimum.
    rng = np.random.default_rng(11)
    for _ in range(30):
        demand, supply, edge_need, edge_resource, edge_weight, edge_capacity = random_instance(
            rng, max_side=30, max_quantity=10, with_capacity=True
        )
        n_edges = len(edge_need)
        columns = np.arange(n_edges)
        rows = vstack(
            [
                csr_matrix((np.ones(n_edges), (edge_need, columns)), shape=(len(demand), n_edges)),
                csr_matrix((np.ones(n_edges), (edge_resource, columns)), shape=(len(supply), n_edges)),
            ]
        )
        bounds = np.column_stack([np.zeros(n_edges), edge_capacity])
        lp = linprog(
            -edge_weight, A_ub=rows, b_ub=np.concatenate([demand, supply]), bounds=bounds, method="highs"
        )

        optimal = solve(demand, supply, edge_need, edge_resource, edge_weight, edge_capacity)

        assert_feasible(optimal, demand, supply, edge_need, edge_resource, edge_weight, edge_capacity)
        assert optimal.total_weight == round(-lp.fun)


def test_it_is_never_worse_than_greedy_and_respects_capacities():
    rng = np.random.default_rng(3)
    for _ in range(N_RANDOM_INSTANCES):
        instance = random_instance(rng, max_side=8, max_quantity=5, with_capacity=rng.random() < 0.5)

        optimal = solve(*instance)
        greedy = solve_greedy(*instance)

        assert_feasible(optimal, *instance)
        assert_feasible(greedy, *instance)
        assert optimal.total_weight >= greedy.total_weight


def test_it_beats_greedy_when_the_best_pair_blocks_two_good_ones():
    # Given need 0 fits resource 0 best (3) but also resource 1 (2); need 1 fits only resource 0 (2).
    demand, supply = np.array([1, 1]), np.array([1, 1])
    edge_need, edge_resource, edge_weight = np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([3, 2, 2])

    greedy = solve_greedy(demand, supply, edge_need, edge_resource, edge_weight)
    optimal = solve(demand, supply, edge_need, edge_resource, edge_weight)

    # Greedy takes the 3 and strands need 1; the optimum serves both needs.
    assert greedy.flow.tolist() == [1, 0, 0]
    assert greedy.total_weight == 3
    assert optimal.flow.tolist() == [0, 1, 1]
    assert optimal.total_weight == 4


def test_it_splits_quantities_across_resources():
    # A need for 5 volunteers served by two units offering 3 and 4; the better unit gives all it has.
    optimal = solve([5], [3, 4], [0, 0], [0, 1], [10, 7])

    assert optimal.flow.tolist() == [3, 2]
    assert optimal.total_weight == 3 * 10 + 2 * 7


def test_it_leaves_quantity_unassigned_when_nothing_fits():
    optimal = solve([5, 2], [1], [0], [0], [4])

    assert optimal.flow.tolist() == [1]
    assert optimal.total_weight == 4


def test_it_caps_each_edge_at_its_capacity():
    optimal = solve([6], [6], [0, 0], [0, 0], [9, 1], edge_capacity=[2, 10])

    assert optimal.flow.tolist() == [2, 4]
    assert optimal.total_weight == 22


def test_greedy_breaks_weight_ties_by_lower_edge_index():
    greedy = solve_greedy([1], [1, 1], [0, 0], [1, 0], [5, 5])

    assert greedy.flow.tolist() == [1, 0]


@pytest.mark.parametrize("function", [solve, solve_greedy])
def test_empty_input_gives_an_empty_assignment(function):
    assignment = function([], [], [], [], [])

    assert assignment.flow.dtype == np.int64
    assert assignment.flow.shape == (0,)
    assert assignment.total_weight == 0


@pytest.mark.parametrize("function", [solve, solve_greedy])
def test_needs_and_resources_without_edges_give_an_empty_assignment(function):
    assignment = function([3, 1], [2], [], [], [])

    assert assignment.flow.shape == (0,)
    assert assignment.total_weight == 0


def test_zero_quantities_are_allowed_and_get_nothing():
    optimal = solve([0, 2], [2], [0, 1], [0, 0], [9, 1])

    assert optimal.flow.tolist() == [0, 2]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (([1], [1], [0, 0], [0], [1]), "same length"),
        (([1], [1], [0], [0], [1], [1, 1]), "same length"),
        (([-1], [1], [0], [0], [1]), "demand must be >= 0"),
        (([1], [-2], [0], [0], [1]), "supply must be >= 0"),
        (([1], [1], [0], [0], [0]), "edge_weight must be > 0"),
        (([1], [1], [0], [0], [-3]), "edge_weight must be > 0"),
        (([1], [1], [0], [0], [1.5]), "must hold integers"),
        (([1.0], [1], [0], [0], [1]), "must hold integers"),
        (([1], [1], [1], [0], [1]), "edge_need must index demand"),
        (([1], [1], [0], [-1], [1]), "edge_resource must index supply"),
        (([1], [1], [0], [0], [1], [-1]), "edge_capacity must be >= 0"),
        (([[1]], [1], [0], [0], [1]), "one-dimensional"),
    ],
)
@pytest.mark.parametrize("function", [solve, solve_greedy])
def test_invalid_input_raises_value_error(function, arguments, message):
    with pytest.raises(ValueError, match=message):
        function(*arguments)


def test_weights_too_large_for_or_tools_raise_solver_error():
    with pytest.raises(SolverError, match="BAD_COST_RANGE"):
        solve([3, 3], [3, 3], [0, 1], [1, 0], [2**62, 2**62])
