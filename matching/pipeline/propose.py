"""Propose: score every candidate pair, choose the optimal assignment, and write the proposals.

Claims (认领) enter first, as proposals of their own; the matcher then works with what is left.
The objective is sum(score × share of the need served): a need served in full by its best resource counts its
score once, whatever the units of its quantity. The solver maximises it exactly (min-cost flow).
"""

import datetime
import enum
import json
import time
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from committees.models import Claim, Committee, Need
from matching import scoring, solver

from .. import bulk
from ..models import MatchingRun, Proposal, UnitReputation
from . import deliberate
from .collect import Candidates, Side

WEIGHT_SCALE = 1_000_000  # solver weights are integers: score per unit of quantity, scaled
BATCH = 5000


@dataclass
class Scored:
    total: np.ndarray
    parts: dict[str, np.ndarray]
    days_to_deadline: np.ndarray
    reputation: np.ndarray


@dataclass
class Choice:
    flow: np.ndarray
    objective: float
    stats: dict = field(default_factory=dict)
    need_price: np.ndarray | None = None  # dual prices per unit (with_duals), see solver.Assignment
    resource_price: np.ndarray | None = None
    total_weight: int = 0  # the solver's integer objective, sum(weight per unit × flow)
    assignment: solver.Assignment | None = None  # the solver's own result, over the useful edges


def provider_reputation(unit_ids: np.ndarray) -> np.ndarray:
    """The providers' reputations on 0–5 (Bayesian averages of received ratings); NaN (neutral in the score)
    for a unit never rated or a committee's own resource (id 0)."""
    scores = dict(
        UnitReputation.objects.values_list("unit_id", "score")
    )  # one row per rated unit, no IN list
    return np.fromiter(
        (scores.get(int(unit), np.nan) for unit in unit_ids), dtype=np.float64, count=unit_ids.size
    )


@dataclass
class ScoringContext:
    """What scoring any pair of a run needs, computed once: the TF-IDF rows and the providers' reputations."""

    today: datetime.date
    need_vectors: object
    resource_vectors: object
    reputation: np.ndarray  # per resource


def scoring_context(needs: Side, resources: Side, *, today: datetime.date) -> ScoringContext:
    need_vectors, resource_vectors = scoring.tfidf_vectors(needs.tokens, resources.tokens)
    return ScoringContext(today, need_vectors, resource_vectors, provider_reputation(resources.owner_unit))


def score_edges(
    context: ScoringContext,
    needs: Side,
    resources: Side,
    e_need: np.ndarray,
    e_resource: np.ndarray,
    *,
    distance: np.ndarray,
    category_fit: np.ndarray,
    declined_before: np.ndarray,
    text: np.ndarray | None = None,
) -> Scored:
    """The scores of the pairs (e_need, e_resource); `text` overrides the similarity (an upper bound, say)."""
    end = needs.end_day[e_need].astype(np.float64)
    days = np.where(end >= datetime.date.max.toordinal(), np.nan, end - context.today.toordinal())
    reputation = context.reputation[e_resource]
    if text is None:
        text = scoring.pair_similarity(context.need_vectors, context.resource_vectors, e_need, e_resource)
    parts = scoring.score_parts(
        category=category_fit,
        distance=distance,
        text=text,
        demand=needs.remaining[e_need],
        supply=resources.remaining[e_resource],
        days_to_deadline=days,
        reputation=reputation,
        declined_before=declined_before,
    )
    return Scored(total=scoring.total_score(parts), parts=parts, days_to_deadline=days, reputation=reputation)


def score(cands: Candidates, *, today: datetime.date, context: ScoringContext | None = None) -> Scored:
    context = context or scoring_context(cands.needs, cands.resources, today=today)
    return score_edges(
        context,
        cands.needs,
        cands.resources,
        cands.edge_need,
        cands.edge_resource,
        distance=cands.distance,
        category_fit=cands.category_fit,
        declined_before=cands.declined_before,
    )


def solver_inputs(cands: Candidates, scored: Scored) -> tuple[np.ndarray, ...]:
    """Integer per-unit weights for the edges worth anything (score > 0), and their indices."""
    weight = unit_weights(cands.needs.remaining[cands.edge_need], scored.total)
    useful = np.flatnonzero(weight > 0)
    return useful, weight[useful]


def unit_weights(demand: np.ndarray, total: np.ndarray) -> np.ndarray:
    """The solver's integer weight per unit of quantity for scores `total` of needs with `demand` (0: no edge)."""
    weight = np.rint(total * WEIGHT_SCALE / np.maximum(demand, 1).astype(np.float64)).astype(np.int64)
    return np.where(total > 0, weight, 0)


def objective(cands: Candidates, scored: Scored, edges: np.ndarray, flow: np.ndarray) -> float:
    demand = cands.needs.remaining[cands.edge_need[edges]].astype(np.float64)
    return float(np.sum(scored.total[edges] * flow / demand))


def choose(
    cands: Candidates,
    scored: Scored,
    *,
    greedy: bool = False,
    with_duals: bool = False,
    previous: "Choice | None" = None,
    new_from: int = 0,
) -> Choice:
    """The optimal assignment (or, for comparison, the greedy one) over the candidate edges. `previous`: the
    optimum (with duals) of the candidates before edges `new_from`… were appended; only the components those
    edges touch are solved again."""
    flow = np.zeros(cands.edge_need.size, dtype=np.int64)
    useful, weight = solver_inputs(cands, scored)
    began = time.perf_counter()
    need_price = np.zeros(len(cands.needs), dtype=np.int64) if with_duals else None
    resource_price = np.zeros(len(cands.resources), dtype=np.int64) if with_duals else None
    total_weight = 0
    if useful.size:
        arguments = (
            np.maximum(cands.needs.remaining, 0),
            np.maximum(cands.resources.remaining, 0),
            cands.edge_need[useful],
            cands.edge_resource[useful],
            weight,
        )
        if greedy:
            result = solver.solve_greedy(*arguments)
        else:
            warm = previous is not None and previous.assignment is not None
            result = solver.solve(
                *arguments,
                with_duals=with_duals,
                previous=previous.assignment if warm else None,
                changed=useful >= new_from if warm else None,
            )
            if with_duals:
                need_price, resource_price = result.need_price, result.resource_price
        flow[useful] = result.flow
        total_weight = result.total_weight
    return Choice(
        flow=flow,
        objective=objective(cands, scored, np.arange(flow.size), flow),
        stats={"solve_seconds": time.perf_counter() - began},
        need_price=need_price,
        resource_price=resource_price,
        total_weight=total_weight,
        assignment=None if greedy or not useful.size else result,
    )


def deciding_committees(cands: Candidates, edges: np.ndarray) -> np.ndarray:
    """The lowest committee whose subtree holds both sides; across districts, the need's district (as ids)."""
    needs, resources = cands.needs, cands.resources
    n, r = cands.edge_need[edges], cands.edge_resource[edges]
    length = np.full(edges.size, 6, dtype=np.int64)
    for level in (9, 12):
        same = (needs.prefix[level][n] >= 0) & (needs.prefix[level][n] == resources.prefix[level][r])
        length[same] = level
    code = np.select(
        [length == 12, length == 9], [needs.prefix[12][n], needs.prefix[9][n]], needs.prefix[6][n]
    )
    key = length * 10**13 + code  # (level, code as an integer): codes of one level have the same length
    wanted = np.unique(key)
    committees = {
        len(area) * 10**13 + int(area): pk
        for area, pk in Committee.objects.filter(area_code__regex=r"^[0-9]+$").values_list("area_code", "pk")
        if len(area) in (6, 9, 12)
    }
    ids = np.fromiter((committees[int(k)] for k in wanted), dtype=np.int64, count=wanted.size)
    return ids[np.searchsorted(wanted, key)]


@dataclass
class MatcherRows:
    """The matcher's proposals as columns, one entry per chosen edge: COPY writes them from here, no model
    instances on the hot path. JSON columns are held as text."""

    need_id: list[int]
    resource_id: list[int]
    provider_unit_id: list[int | None]
    committee_id: list[int]
    quantity: list[int]
    expires_at: list[datetime.datetime]
    score: list[float]
    score_parts: list[str]
    explanation: list[str]

    def __len__(self) -> int:
        return len(self.need_id)

    def columns(self) -> dict[str, list]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def instances(self, run: MatchingRun | None) -> list[Proposal]:
        """The same rows as unsaved Proposal instances (small runs, other databases, the demo)."""
        columns = self.columns()
        proposals = []
        for values in zip(*columns.values(), strict=True):
            row = dict(zip(columns, values, strict=True))
            row["score_parts"] = json.loads(row["score_parts"])
            row["explanation"] = json.loads(row["explanation"])
            proposals.append(Proposal(run=run, source=Proposal.Source.MATCHER, **row))
        return proposals


def _json_objects(names: tuple[str, ...], columns: list[list]) -> list[str]:
    """One JSON object per row from columns of finite floats, None, or lists of strings (one %-format per row:
    a float's repr is its JSON, the shortest round-trip form)."""
    template = "{" + ", ".join(f"{json.dumps(name)}: %s" for name in names) + "}"
    encoded = []
    for column in columns:
        sample = next((value for value in column if value is not None), None)
        if isinstance(sample, float):
            encoded.append(["null" if value is None else repr(value) for value in column])
        else:
            encoded.append(
                ["null" if value is None else json.dumps(value, ensure_ascii=False) for value in column]
            )
    return [template % row for row in zip(*encoded, strict=True)]


def matcher_rows(cands: Candidates, scored: Scored, choice: Choice) -> MatcherRows:
    """The chosen edges' proposals, from the arrays: ids, deciding committee, quantity, score and its parts
    (rounded to 4 places), and the explanation (shared words, days to the deadline, raw reputation)."""
    chosen = np.flatnonzero(choice.flow > 0)
    n, r = cands.edge_need[chosen], cands.edge_resource[chosen]
    committee = deciding_committees(cands, chosen)
    decide_days = deliberate.decision_days(np.unique(committee).tolist())
    now = timezone.now()
    expires = {pk: now + datetime.timedelta(days=days) for pk, days in decide_days.items()}
    committee_list = committee.tolist()
    parts = [np.round(values[chosen], 4).tolist() for values in scored.parts.values()]
    days, reputation = scored.days_to_deadline[chosen], scored.reputation[chosen]
    need_tokens, resource_tokens = cands.needs.tokens, cands.resources.tokens
    shared = [
        scoring.shared_terms(need_tokens[i], resource_tokens[j])
        for i, j in zip(n.tolist(), r.tolist(), strict=True)
    ]
    explanation = _json_objects(
        ("shared_words", "days_to_deadline", "reputation"),
        [
            shared,
            [None if np.isnan(d) else d for d in days.tolist()],
            [None if np.isnan(x) else x for x in reputation.tolist()],
        ],
    )
    return MatcherRows(
        need_id=cands.needs.ids[n].tolist(),
        resource_id=cands.resources.ids[r].tolist(),
        provider_unit_id=[unit or None for unit in cands.resources.owner_unit[r].tolist()],
        committee_id=committee_list,
        quantity=choice.flow[chosen].tolist(),
        expires_at=[expires[pk] for pk in committee_list],
        score=np.round(scored.total[chosen], 4).tolist(),
        score_parts=_json_objects(tuple(scored.parts), parts),
        explanation=explanation,
    )


def build_proposals(
    run: MatchingRun | None, cands: Candidates, scored: Scored, choice: Choice
) -> list[Proposal]:
    return matcher_rows(cands, scored, choice).instances(run)


def claims_to_proposals(run: MatchingRun, claims: QuerySet[Claim], needs: Side) -> list[Proposal]:
    """Live claims become proposals for the need's remaining quantity; that quantity is then spoken for."""
    index_of = {int(need_id): i for i, need_id in enumerate(needs.ids)}
    claims = list(claims.select_related("need__committee", "unit"))
    decide_days = deliberate.decision_days(claim.need.committee_id for claim in claims)
    now = timezone.now()
    proposals = []
    for claim in claims:
        i = index_of.get(claim.need_id)
        if i is None or needs.remaining[i] <= 0:
            continue
        proposals.append(
            Proposal(
                run=run,
                source=Proposal.Source.CLAIM,
                claim=claim,
                need_id=claim.need_id,
                provider_unit=claim.unit,
                committee=claim.need.committee,
                quantity=int(needs.remaining[i]),
                expires_at=now + datetime.timedelta(days=decide_days[claim.need.committee_id]),
                score=0,
                explanation={"claim_note": claim.note},
            )
        )
        needs.remaining[i] = 0
    return proposals


def write(
    run: MatchingRun, claim_proposals: list[Proposal], rows: MatcherRows, claims: QuerySet[Claim]
) -> int:
    """The claims' proposals, then the matcher's: by COPY on PostgreSQL for a large run, else bulk_create."""
    if connection.vendor == "postgresql" and len(claim_proposals) + len(rows) > BATCH:
        if claim_proposals:
            _copy(claim_proposals)
        _copy_matcher_rows(run, rows)
    else:
        Proposal.objects.bulk_create(claim_proposals + rows.instances(run), batch_size=BATCH)
    claim_ids = [p.claim_id for p in claim_proposals if p.claim_id]
    if claim_ids:
        claims.filter(pk__in=claim_ids).update(status=Claim.Status.CONVERTED)
    return len(claim_proposals) + len(rows)


def _proposal_fields():
    return [f for f in Proposal._meta.concrete_fields if not f.primary_key]


def _copy(proposals: list[Proposal]) -> None:
    """The columns follow the model, so a new field cannot be forgotten here."""
    now = timezone.now()
    bulk.copy(
        Proposal,
        proposals,
        _proposal_fields(),
        value=lambda proposal, field: now if field.name == "created_at" else getattr(proposal, field.attname),
    )


def _copy_matcher_rows(run: MatchingRun, rows: MatcherRows) -> None:
    """COPY the rows column by column: a field the rows do not hold takes the model's default (a new field is
    not forgotten: its default is written), created_at is now, the run and source are constants."""
    given = rows.columns()
    constants = {"run": run.pk, "source": Proposal.Source.MATCHER.value, "created_at": timezone.now()}
    columns = []
    for model_field in _proposal_fields():
        if model_field.attname in given:
            columns.append(given[model_field.attname])
            continue
        default = constants[model_field.name] if model_field.name in constants else model_field.get_default()
        if isinstance(default, dict | list):
            default = json.dumps(default)
        elif isinstance(default, enum.Enum):
            default = default.value
        columns.append([default] * len(rows))
    bulk.copy_rows(Proposal, zip(*columns, strict=True), _proposal_fields())


def live_claims(scope_code: str) -> QuerySet[Claim]:
    return Claim.objects.filter(
        status=Claim.Status.LIVE,
        need__status__in=Need.LIVE_STATUSES,
        need__committee__area_code__startswith=scope_code,
    )
