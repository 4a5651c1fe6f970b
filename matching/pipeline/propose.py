"""Propose: score every candidate pair, choose the optimal assignment, and write the proposals.

Claims (认领) enter first, as proposals of their own; the matcher then works with what is left.
The objective is sum(score × share of the need served): a need served in full by its best resource counts its
score once, whatever the units of its quantity. The solver maximises it exactly (min-cost flow).
"""

import datetime
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


def provider_reputation(unit_ids: np.ndarray) -> np.ndarray:
    """The providers' reputations on 0–5 (Bayesian averages of received ratings); NaN (neutral in the score)
    for a unit never rated or a committee's own resource (id 0)."""
    scores = dict(
        UnitReputation.objects.values_list("unit_id", "score")
    )  # one row per rated unit, no IN list
    return np.fromiter(
        (scores.get(int(unit), np.nan) for unit in unit_ids), dtype=np.float64, count=unit_ids.size
    )


def score(cands: Candidates, *, today: datetime.date) -> Scored:
    needs, resources = cands.needs, cands.resources
    e_need, e_resource = cands.edge_need, cands.edge_resource
    end = needs.end_day[e_need].astype(np.float64)
    days = np.where(end >= datetime.date.max.toordinal(), np.nan, end - today.toordinal())
    reputation = provider_reputation(resources.owner_unit[e_resource])
    text = scoring.text_similarity(needs.tokens, resources.tokens, e_need, e_resource)
    parts = scoring.score_parts(
        category=cands.category_fit,
        distance=cands.distance,
        text=text,
        demand=needs.remaining[e_need],
        supply=resources.remaining[e_resource],
        days_to_deadline=days,
        reputation=reputation,
        declined_before=cands.declined_before,
    )
    return Scored(total=scoring.total_score(parts), parts=parts, days_to_deadline=days, reputation=reputation)


def solver_inputs(cands: Candidates, scored: Scored) -> tuple[np.ndarray, ...]:
    """Integer per-unit weights for the edges worth anything (score > 0), and their indices."""
    demand = cands.needs.remaining[cands.edge_need].astype(np.float64)
    weight = np.rint(scored.total * WEIGHT_SCALE / np.maximum(demand, 1)).astype(np.int64)
    useful = np.flatnonzero((scored.total > 0) & (weight > 0))
    return useful, weight[useful]


def objective(cands: Candidates, scored: Scored, edges: np.ndarray, flow: np.ndarray) -> float:
    demand = cands.needs.remaining[cands.edge_need[edges]].astype(np.float64)
    return float(np.sum(scored.total[edges] * flow / demand))


def choose(cands: Candidates, scored: Scored, *, greedy: bool = False) -> Choice:
    """The optimal assignment (or, for comparison, the greedy one) over the candidate edges."""
    flow = np.zeros(cands.edge_need.size, dtype=np.int64)
    useful, weight = solver_inputs(cands, scored)
    began = time.perf_counter()
    if useful.size:
        solve = solver.solve_greedy if greedy else solver.solve
        result = solve(
            np.maximum(cands.needs.remaining, 0),
            np.maximum(cands.resources.remaining, 0),
            cands.edge_need[useful],
            cands.edge_resource[useful],
            weight,
        )
        flow[useful] = result.flow
    return Choice(
        flow=flow,
        objective=objective(cands, scored, np.arange(flow.size), flow),
        stats={"solve_seconds": time.perf_counter() - began},
    )


def deciding_codes(cands: Candidates, edges: np.ndarray) -> list[str]:
    """The lowest committee whose subtree holds both sides; across districts, the need's district."""
    codes = []
    for e in edges:
        need_home = cands.needs.home_code[cands.edge_need[e]]
        resource_home = cands.resources.home_code[cands.edge_resource[e]]
        code = need_home[:6]
        for length in (12, 9):
            if len(need_home) >= length and need_home[:length] == resource_home[:length]:
                code = need_home[:length]
                break
        codes.append(code)
    return codes


def build_proposals(run: MatchingRun, cands: Candidates, scored: Scored, choice: Choice) -> list[Proposal]:
    chosen = np.flatnonzero(choice.flow > 0)
    codes = deciding_codes(cands, chosen)
    committee_ids = dict(Committee.objects.filter(area_code__in=set(codes)).values_list("area_code", "pk"))
    decide_days = deliberate.decision_days(committee_ids.values())
    now = timezone.now()
    proposals = []
    for e, code in zip(chosen, codes, strict=True):
        n, r = cands.edge_need[e], cands.edge_resource[e]
        parts = {name: round(float(values[e]), 4) for name, values in scored.parts.items()}
        days = scored.days_to_deadline[e]
        reputation = scored.reputation[e]
        proposals.append(
            Proposal(
                run=run,
                source=Proposal.Source.MATCHER,
                need_id=int(cands.needs.ids[n]),
                resource_id=int(cands.resources.ids[r]),
                provider_unit_id=int(cands.resources.owner_unit[r]) or None,
                committee_id=committee_ids[code],
                quantity=int(choice.flow[e]),
                expires_at=now + datetime.timedelta(days=decide_days[committee_ids[code]]),
                score=round(float(scored.total[e]), 4),
                score_parts=parts,
                explanation={
                    "shared_words": scoring.shared_terms(cands.needs.tokens[n], cands.resources.tokens[r]),
                    "days_to_deadline": None if np.isnan(days) else float(days),
                    "reputation": None if np.isnan(reputation) else float(reputation),
                },
            )
        )
    return proposals


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


def write(proposals: list[Proposal], claims: QuerySet[Claim]) -> int:
    if connection.vendor == "postgresql" and len(proposals) > BATCH:
        _copy(proposals)
    else:
        Proposal.objects.bulk_create(proposals, batch_size=BATCH)
    claim_ids = [p.claim_id for p in proposals if p.claim_id]
    if claim_ids:
        claims.filter(pk__in=claim_ids).update(status=Claim.Status.CONVERTED)
    return len(proposals)


def _copy(proposals: list[Proposal]) -> None:
    """The columns follow the model, so a new field cannot be forgotten here."""
    now = timezone.now()
    fields = [f for f in Proposal._meta.concrete_fields if not f.primary_key]
    bulk.copy(
        Proposal,
        proposals,
        fields,
        value=lambda proposal, field: now if field.name == "created_at" else getattr(proposal, field.attname),
    )


def live_claims(scope_code: str) -> QuerySet[Claim]:
    return Claim.objects.filter(
        status=Claim.Status.LIVE,
        need__status__in=Need.LIVE_STATUSES,
        need__committee__area_code__startswith=scope_code,
    )
