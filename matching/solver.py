"""The optimal assignment of needs to resources: arrays in, integer flows out (no Django inside).

The problem is a max-weight b-matching (a transportation problem where leaving quantity unassigned is
allowed). Each candidate edge (need i, resource j) carries an integer weight per unit of quantity and a
capacity; we look for integer flows maximising sum(weight * flow) under the needs' demands and the
resources' supplies. It is solved as a min-cost flow with OR-Tools:

    source --demand_i--> need i --cap_e, cost -weight_e--> resource j --supply_j--> sink
    source --------------------- bypass, cost 0 -----------------------------------> sink

Edges with weight <= 0 are rejected with ValueError rather than dropped: a zero weight usually means the
caller rounded a score away, and silently ignoring it would hide that. Filter them out before calling.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from ortools.graph.python import min_cost_flow
from scipy.sparse.csgraph import connected_components

# Components are solved together up to about this many edges per solver call. Measured on the 30k benchmark's
# candidates (222,239 edges, 9,079 components, the largest 14,509 edges): 50,000 took 2.2-2.6 s, 2,000 1.3-1.9 s.
COMPONENT_BIN_EDGES = 2_000

__all__ = ["Assignment", "SolverError", "solve", "solve_greedy"]


class SolverError(RuntimeError):
    """OR-Tools did not prove an optimum (e.g. costs or capacities too large for int64 arithmetic)."""


@dataclass(frozen=True)
class Assignment:
    flow: np.ndarray  # int64, one entry per edge, same order as the input edges
    total_weight: int  # sum(weight * flow)
    # Dual prices per unit (with_duals=True): need_price[i] + resource_price[j] >= weight of every edge (i, j) at
    # the optimum, read from the shortest-path potentials of the residual graph; None otherwise.
    need_price: np.ndarray | None = None
    resource_price: np.ndarray | None = None


def dual_bound(
    demand: np.ndarray,
    supply: np.ndarray,
    need_price: np.ndarray,
    resource_price: np.ndarray,
    edge_need: np.ndarray,
    edge_resource: np.ndarray,
    edge_weight: np.ndarray,
) -> int:
    """An upper bound on the best total weight over the given edges, for any prices >= 0 (LP duality):
    sum(demand × need price) + sum(supply × resource price) + sum over edges of
    min(demand, supply) × max(0, weight − need price − resource price). Edges missing from the list must have
    weight <= need price + resource price for the bound to hold over them too."""
    excess = np.maximum(edge_weight - need_price[edge_need] - resource_price[edge_resource], 0)
    capacity = np.minimum(demand[edge_need], supply[edge_resource])
    return int(np.dot(demand, need_price) + np.dot(supply, resource_price) + np.dot(capacity, excess))


@dataclass(frozen=True)
class _Problem:
    demand: np.ndarray
    supply: np.ndarray
    edge_need: np.ndarray
    edge_resource: np.ndarray
    edge_weight: np.ndarray
    edge_capacity: np.ndarray  # already clipped to min(demand, supply) of its endpoints


def solve(
    demand: ArrayLike,
    supply: ArrayLike,
    edge_need: ArrayLike,
    edge_resource: ArrayLike,
    edge_weight: ArrayLike,
    edge_capacity: ArrayLike | None = None,
    *,
    with_duals: bool = False,
    previous: "Assignment | None" = None,
    changed: np.ndarray | None = None,
) -> Assignment:
    """Return the integer flows on the edges that maximise the total weight (and dual prices, with_duals).

    `demand[i]` and `supply[j]` are non-negative quantities; edge e joins need `edge_need[e]` to resource
    `edge_resource[e]` with `edge_weight[e] > 0` per unit and capacity `edge_capacity[e]` (default
    min(demand, supply) of its endpoints). Raises ValueError on invalid input and SolverError if OR-Tools
    does not report OPTIMAL.

    `previous` (an optimum with duals of the same problem without some edges, its flow given for the first
    edges) and `changed` (a boolean mask of the edges new since): only the components holding a changed edge are
    solved again; the others' flows and prices stand, being optimal for a component that did not change.
    """
    problem = _validate(demand, supply, edge_need, edge_resource, edge_weight, edge_capacity)
    n_edges = problem.edge_weight.size
    flow = np.zeros(n_edges, dtype=np.int64)
    need_price = np.zeros(problem.demand.size, dtype=np.int64) if with_duals else None
    resource_price = np.zeros(problem.supply.size, dtype=np.int64) if with_duals else None
    if previous is not None and changed is not None:
        flow[: previous.flow.size] = previous.flow
        if with_duals:
            need_price[:], resource_price[:] = previous.need_price, previous.resource_price
    # Separate components share no need or resource, so solving them apart is exact; min-cost flow grows
    # faster than linearly, and real candidates fall apart by category and area.
    for edges in _component_bins(problem, changed if previous is not None else None):
        flow[edges], prices = _solve_edges(problem, edges, with_duals=with_duals)
        if with_duals:
            need_ids, resource_ids, u, v = prices
            need_price[need_ids], resource_price[resource_ids] = u, v
    return Assignment(
        flow=flow,
        total_weight=int(np.dot(problem.edge_weight, flow)),
        need_price=need_price,
        resource_price=resource_price,
    )


def _component_bins(problem: _Problem, changed: np.ndarray | None = None) -> list[np.ndarray]:
    """Edge indices grouped into bins of whole connected components, about COMPONENT_BIN_EDGES edges each
    (only the components holding a `changed` edge, when given)."""
    n_edges = problem.edge_weight.size
    if n_edges == 0:
        return []
    n_needs = problem.demand.size
    n_nodes = n_needs + problem.supply.size
    graph = sp.coo_matrix(
        (np.ones(n_edges, dtype=np.int8), (problem.edge_need, n_needs + problem.edge_resource)),
        shape=(n_nodes, n_nodes),
    )
    n_components, labels = connected_components(graph, directed=False)
    component_of_edge = labels[problem.edge_need]
    if changed is not None:
        wanted = np.zeros(n_components, dtype=bool)
        wanted[component_of_edge[changed]] = True
        kept = np.flatnonzero(wanted[component_of_edge])
        if kept.size == 0:
            return []
        compact = np.cumsum(wanted) - 1
        bins = _bins_of(compact[component_of_edge[kept]], int(wanted.sum()))
        return [kept[chunk] for chunk in bins]
    return _bins_of(component_of_edge, n_components)


def _bins_of(component_of_edge: np.ndarray, n_components: int) -> list[np.ndarray]:
    sizes = np.bincount(component_of_edge, minlength=n_components)
    bin_of_component = (np.cumsum(sizes) - sizes) // COMPONENT_BIN_EDGES
    bin_of_edge = bin_of_component[component_of_edge]
    order = np.argsort(bin_of_edge, kind="stable")
    splits = np.cumsum(np.bincount(bin_of_edge))[:-1]
    return [chunk for chunk in np.split(order, splits) if chunk.size]


def _solve_edges(problem: _Problem, edges: np.ndarray, *, with_duals: bool = False):
    """Optimal flows on a subset of edges closed under shared needs and resources (whole components)."""
    need_ids, edge_need = np.unique(problem.edge_need[edges], return_inverse=True)
    resource_ids, edge_resource = np.unique(problem.edge_resource[edges], return_inverse=True)
    demand, supply = problem.demand[need_ids], problem.supply[resource_ids]
    weights, edge_capacity = problem.edge_weight[edges], problem.edge_capacity[edges]
    n_edges = edges.size

    n_needs, n_resources = demand.size, supply.size
    source, sink = 0, n_needs + n_resources + 1
    need_nodes = np.arange(1, n_needs + 1, dtype=np.int32)
    resource_nodes = np.arange(n_needs + 1, n_needs + n_resources + 1, dtype=np.int32)
    total_demand = int(demand.sum())

    # Edge arcs first so that their arc indices equal the edge indices.
    tails = np.concatenate(
        [
            need_nodes[edge_need],
            np.full(n_needs, source, dtype=np.int32),
            resource_nodes,
            np.array([source], dtype=np.int32),
        ]
    )
    heads = np.concatenate(
        [
            resource_nodes[edge_resource],
            need_nodes,
            np.full(n_resources, sink, dtype=np.int32),
            np.array([sink], dtype=np.int32),
        ]
    )
    capacities = np.concatenate([edge_capacity, demand, supply, np.array([total_demand], dtype=np.int64)])
    # Min-cost flow minimises, so a weight becomes a negative cost; every unit the source sends either
    # earns a weight through a need and a resource or goes through the free bypass (left unassigned).
    costs = np.concatenate([-weights, np.zeros(n_needs + n_resources + 1, dtype=np.int64)])

    mcf = min_cost_flow.SimpleMinCostFlow()
    arcs = mcf.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    mcf.set_nodes_supplies(
        np.array([source, sink], dtype=np.int32), np.array([total_demand, -total_demand], dtype=np.int64)
    )
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        name = getattr(status, "name", str(status))
        raise SolverError(
            f"OR-Tools min-cost flow returned {name}, not OPTIMAL "
            f"({n_edges} edges, max weight {int(weights.max())}, total demand {total_demand}); "
            "BAD_COST_RANGE or BAD_CAPACITY_RANGE mean the numbers are too large: scale the weights down."
        )
    flows = np.asarray(mcf.flows(arcs), dtype=np.int64)
    if not with_duals:
        return flows[:n_edges], None
    distance = _residual_distances(tails, heads, capacities, costs, flows, sink + 1, source)
    # Reduced-cost optimality on the residual graph gives weight <= d(need) - d(resource) on every edge that
    # could take more flow; with the bypass both ways d(sink) = d(source) = 0.
    need_d, resource_d = distance[need_nodes], distance[resource_nodes]
    u = np.where(np.isfinite(need_d), np.maximum(need_d - distance[source], 0), 0)
    v = np.where(np.isfinite(resource_d), np.maximum(distance[sink] - resource_d, 0), 0)
    if not np.isfinite(distance[sink]):
        v = np.zeros_like(v)
    return flows[:n_edges], (need_ids, resource_ids, np.rint(u).astype(np.int64), np.rint(v).astype(np.int64))


def _residual_distances(tails, heads, capacities, costs, flows, n_nodes: int, source: int) -> np.ndarray:
    """Shortest distances from the source in the residual graph of an optimal flow (no negative cycle there):
    Bellman-Ford, one vectorised relaxation of every arc per round, until nothing changes (the rounds needed
    are the depth of the shortest-path tree, not the number of nodes)."""
    forward = flows < capacities
    backward = flows > 0
    rows = np.concatenate([tails[forward], heads[backward]])
    cols = np.concatenate([heads[forward], tails[backward]])
    data = np.concatenate([costs[forward], -costs[backward]]).astype(np.float64)
    order = np.argsort(cols, kind="stable")
    rows, cols, data = rows[order], cols[order], data[order]
    starts = np.flatnonzero(np.r_[True, cols[1:] != cols[:-1]])
    targets = cols[starts]
    distance = np.full(n_nodes, np.inf)
    distance[source] = 0.0
    for _ in range(n_nodes):
        best = np.minimum.reduceat(distance[rows] + data, starts)
        improved = best < distance[targets]
        if not improved.any():
            break
        distance[targets[improved]] = best[improved]
    return distance


def solve_greedy(
    demand: ArrayLike,
    supply: ArrayLike,
    edge_need: ArrayLike,
    edge_resource: ArrayLike,
    edge_weight: ArrayLike,
    edge_capacity: ArrayLike | None = None,
) -> Assignment:
    """The naive baseline: edges in descending weight (ties: lower index first), each given the most it can.

    Same arguments, validation and result as `solve`; kept to show what the optimum gains over it.
    """
    problem = _validate(demand, supply, edge_need, edge_resource, edge_weight, edge_capacity)
    order = np.argsort(-problem.edge_weight, kind="stable")
    # Plain lists: element access on numpy arrays inside a Python loop is several times slower.
    demand_left = problem.demand.tolist()
    supply_left = problem.supply.tolist()
    needs = problem.edge_need.tolist()
    resources = problem.edge_resource.tolist()
    capacity = problem.edge_capacity.tolist()
    flow = [0] * len(capacity)
    for edge in order.tolist():
        need, resource = needs[edge], resources[edge]
        amount = min(capacity[edge], demand_left[need], supply_left[resource])
        if amount > 0:
            flow[edge] = amount
            demand_left[need] -= amount
            supply_left[resource] -= amount
    flow_array = np.array(flow, dtype=np.int64)
    return Assignment(flow=flow_array, total_weight=int(np.dot(problem.edge_weight, flow_array)))


def _validate(
    demand: ArrayLike,
    supply: ArrayLike,
    edge_need: ArrayLike,
    edge_resource: ArrayLike,
    edge_weight: ArrayLike,
    edge_capacity: ArrayLike | None,
) -> _Problem:
    demand_a = _int_vector("demand", demand)
    supply_a = _int_vector("supply", supply)
    need_a = _int_vector("edge_need", edge_need)
    resource_a = _int_vector("edge_resource", edge_resource)
    weight_a = _int_vector("edge_weight", edge_weight)
    n_edges = need_a.size
    lengths = {"edge_need": n_edges, "edge_resource": resource_a.size, "edge_weight": weight_a.size}
    capacity_a = None
    if edge_capacity is not None:
        capacity_a = _int_vector("edge_capacity", edge_capacity)
        lengths["edge_capacity"] = capacity_a.size
    if len(set(lengths.values())) != 1:
        raise ValueError(f"edge arrays must have the same length, got {lengths}")

    if (demand_a < 0).any():
        raise ValueError(f"demand must be >= 0; need {int(np.argmax(demand_a < 0))} has {demand_a.min()}")
    if (supply_a < 0).any():
        raise ValueError(f"supply must be >= 0; resource {int(np.argmax(supply_a < 0))} has {supply_a.min()}")
    if n_edges and (need_a.min() < 0 or need_a.max() >= demand_a.size):
        raise ValueError(
            f"edge_need must index demand (0..{demand_a.size - 1}), got {need_a.min()}..{need_a.max()}"
        )
    if n_edges and (resource_a.min() < 0 or resource_a.max() >= supply_a.size):
        raise ValueError(
            f"edge_resource must index supply (0..{supply_a.size - 1}), got {resource_a.min()}..{resource_a.max()}"
        )
    if (weight_a <= 0).any():
        bad = int(np.argmax(weight_a <= 0))
        raise ValueError(
            f"edge_weight must be > 0 (drop such edges first); edge {bad} has weight {weight_a[bad]}"
        )

    # Capacity beyond what either endpoint can take is never usable; clipping keeps the network tight.
    endpoint_cap = np.minimum(demand_a[need_a], supply_a[resource_a])
    if capacity_a is None:
        capacity_a = endpoint_cap
    else:
        if (capacity_a < 0).any():
            bad = int(np.argmax(capacity_a < 0))
            raise ValueError(f"edge_capacity must be >= 0; edge {bad} has {capacity_a[bad]}")
        capacity_a = np.minimum(capacity_a, endpoint_cap)
    return _Problem(demand_a, supply_a, need_a, resource_a, weight_a, capacity_a)


def _int_vector(name: str, values: ArrayLike) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional array, got shape {array.shape}")
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)  # np.asarray([]) is float64; an empty list is still valid
    # Floats are refused rather than rounded: a silently truncated weight or quantity is a wrong answer.
    if array.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integers, got dtype {array.dtype}")
    if array.dtype.kind == "u" and array.size and array.max() > np.iinfo(np.int64).max:
        raise ValueError(f"{name} has values beyond int64")
    return array.astype(np.int64, copy=False)
