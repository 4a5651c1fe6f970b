"""Collect and propose: reach, categories, windows, capacity, optimality, claims, idempotence."""

import datetime
import random

import numpy as np
import pytest
from django.utils import timezone
from scipy.optimize import linear_sum_assignment

from committees import services
from committees.models import Need, Resource
from matching.models import MatchingRun, Proposal
from matching.pipeline import collect, propose, runs
from tests.factories import MembershipFactory, MemberUnitFactory

pytestmark = pytest.mark.django_db


def run_over(committee=None):
    run = MatchingRun.objects.create(
        committee=committee,
        scope_code=committee.area_code if committee else "",
        status=MatchingRun.Status.RUNNING,
    )
    runs.perform(run)
    runs._finish(run)
    return run


def pairs(run):
    return set(run.proposals.values_list("need__title", "resource__title", "quantity"))


# --- Reach, both directions, at each level ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("need_at", "need_reach", "resource_at", "resource_reach", "matched"),
    [
        ("minan", "community", "minan", "community", True),  # same community
        ("minan", "community", "jiudaowan", "street", False),  # the need draws from its community only
        ("minan", "street", "jiudaowan", "community", False),  # the resource serves its community only
        ("minan", "street", "jiudaowan", "street", True),  # both reach the street
        ("minan", "street", "beixinqiao", "community", True),  # a street's resource serves its own subtree
        ("minan", "street", "zhaojialou", "district", False),  # the need does not draw from another street
        ("minan", "district", "zhaojialou", "district", True),  # both reach the district
        ("minan", "district", "dongcheng", "community", True),  # the district's own resource lends down
        ("minan", "district", "liupukang", "city", False),  # another district is beyond the need's reach
        ("minan", "city", "liupukang", "city", True),  # city reach meets city reach
        ("minan", "city", "liupukang", "district", False),  # that resource stays in its district
    ],
)
def test_reach_rules(area, publish, need_at, need_reach, resource_at, resource_reach, matched):
    publish(Need, area[need_at], reach=need_reach, title="需要义诊")
    publish(Resource, area[resource_at], reach=resource_reach, title="提供义诊")
    run = run_over()
    assert (run.proposals.count() == 1) is matched


def test_a_street_run_uses_the_districts_resources_lent_down(area, publish):
    publish(Need, area["minan"], reach="district")
    publish(Resource, area["dongcheng"], reach="district", owner_committee=True)
    assert run_over(area["beixinqiao"]).proposals.count() == 1


# --- Categories, time windows, owners ---------------------------------------------------------------------------


def test_both_sides_tokens_share_one_vocabulary(area, publish):
    publish(Need, area["minan"], category="health", title="健康义诊", description="老年人健康义诊")
    publish(Resource, area["minan"], category="health", title="义诊", description="社区医院义诊")
    needs, resources = collect.load("", today=timezone.localdate())
    assert needs.tokens.vocabulary is resources.tokens.vocabulary
    assert "义诊" in needs.tokens[0] and "义诊" in resources.tokens[0]


def test_categories_must_fit(area, publish):
    publish(Need, area["minan"], category="health")
    publish(Resource, area["minan"], category="education")
    assert run_over().proposals.count() == 0


def test_a_resource_filed_under_other_fits_at_half_the_category_score(area, publish):
    publish(Need, area["minan"], category="health")
    publish(Resource, area["minan"], category="other")
    proposal = run_over().proposals.get()
    assert proposal.score_parts["category"] == 0.5


def test_time_windows_must_overlap(area, publish):
    today = timezone.localdate()
    publish(Need, area["minan"], deadline=today + datetime.timedelta(days=5), title="五天内义诊")
    publish(Resource, area["minan"], available_from=today + datetime.timedelta(days=10), title="十天后开放")
    publish(Resource, area["minan"], available_until=today - datetime.timedelta(days=1), title="昨日结束")
    publish(Resource, area["minan"], available_from=today + datetime.timedelta(days=2), title="两天后开放")
    assert pairs(run_over()) == {("五天内义诊", "两天后开放", 1)}


def test_a_unit_is_not_matched_with_itself(area, publish, superuser):
    need = publish(Need, area["minan"])
    resource = services.create_record(
        Resource,
        by=superuser,
        owner_unit=need.owner_unit,
        committee=area["minan"],
        category=need.category,
        title="自有资源",
        quantity=1,
        measure="sessions",
        contact_name="张三",
        contact_phone="13812345678",
    )
    services.publish_record(resource, by=superuser)
    assert run_over().proposals.count() == 0


# --- Capacity and optimality ---------------------------------------------------------------------------------------


def test_capacity_is_respected_on_both_sides(area, publish):
    for _ in range(3):
        publish(Need, area["minan"], quantity=2)
    publish(Resource, area["minan"], quantity=3)
    publish(Resource, area["jiudaowan"], quantity=1)
    run = run_over()
    by_resource = {}
    by_need = {}
    for proposal in run.proposals.all():
        by_resource[proposal.resource_id] = by_resource.get(proposal.resource_id, 0) + proposal.quantity
        by_need[proposal.need_id] = by_need.get(proposal.need_id, 0) + proposal.quantity
    assert sum(by_resource.values()) == 4
    assert all(q <= Resource.objects.get(pk=r).quantity for r, q in by_resource.items())
    assert all(q <= 2 for q in by_need.values())


def test_open_proposals_count_against_what_is_left(area, publish):
    publish(Need, area["minan"], quantity=2)
    publish(Resource, area["minan"], quantity=5)
    first = run_over()
    second = run_over()
    assert (first.proposals.get().quantity, second.proposals.count()) == (2, 0)


@pytest.mark.parametrize("seed", range(6))
def test_on_unit_quantities_the_matcher_finds_the_optimum(area, publish, seed):
    rng = random.Random(seed)
    places = ["minan", "jiudaowan", "beixinqiao"]
    words = ["义诊", "助餐", "托管", "理发", "维修", "讲座"]
    for i in range(5):
        publish(Need, area[rng.choice(places)], title=f"需要{rng.choice(words)}{rng.choice(words)}{i}")
        publish(Resource, area[rng.choice(places)], title=f"提供{rng.choice(words)}{rng.choice(words)}{i}")
    run = MatchingRun.objects.create(scope_code="", status=MatchingRun.Status.RUNNING)
    figures = runs.perform(run)
    cands, scored = figures["candidates"], figures["scored"]
    matrix = np.zeros((len(cands.needs), len(cands.resources)))
    matrix[cands.edge_need, cands.edge_resource] = scored.total
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    optimum = matrix[rows, cols].sum()
    greedy = propose.choose(cands, scored, greedy=True).objective
    assert figures["choice"].objective == pytest.approx(optimum, abs=1e-4)
    assert figures["choice"].objective >= greedy - 1e-9


def test_the_matcher_beats_greedy_where_greedy_blocks_a_better_total(area, publish):
    # Resource A fits both needs (text); B fits only need 1. Greedy gives A to need 1 first; optimal uses both.
    publish(Need, area["minan"], title="老年人健康义诊服务", description="老年人健康义诊")
    publish(Need, area["minan"], title="老年人健康义诊 儿童", description="儿童")
    publish(Resource, area["minan"], title="老年人健康义诊服务", description="老年人健康义诊")
    publish(Resource, area["jiudaowan"], title="儿童", description="儿童")
    run = MatchingRun.objects.create(scope_code="", status=MatchingRun.Status.RUNNING)
    figures = runs.perform(run)
    greedy = propose.choose(figures["candidates"], figures["scored"], greedy=True)
    assert figures["choice"].objective >= greedy.objective
    assert run.proposals.count() == 2


# --- Claims, explanations, penalties ------------------------------------------------------------------------------


def test_live_claims_enter_as_proposals(area, publish, liaison_of):
    need = publish(Need, area["minan"], quantity=3)
    unit = MembershipFactory(committee=area["minan"], unit=MemberUnitFactory()).unit
    claim = services.claim_need(need, unit=unit, by=liaison_of(unit, area["minan"]), note="我们来")
    publish(Resource, area["minan"], quantity=3)
    run = run_over()
    proposal = run.proposals.get()
    claim.refresh_from_db()
    assert (proposal.source, proposal.claim, proposal.quantity, claim.status) == (
        "claim",
        claim,
        3,
        "converted",
    )


def test_a_proposal_keeps_its_score_parts_and_reasons(area, publish):
    publish(
        Need,
        area["minan"],
        title="社区老年人健康义诊",
        deadline=timezone.localdate() + datetime.timedelta(days=5),
    )
    publish(Resource, area["jiudaowan"], title="医院志愿者健康义诊")
    proposal = run_over().proposals.get()
    assert set(proposal.score_parts) == {
        "category",
        "distance",
        "text",
        "quantity",
        "urgency",
        "reputation",
        "declined_before",
    }
    assert proposal.score_parts["distance"] == 0.75  # same street
    assert "义诊" in proposal.explanation["shared_words"]
    assert proposal.explanation["days_to_deadline"] == 5
    assert proposal.committee == area["beixinqiao"]  # the lowest committee holding both sides


def test_pairs_declined_before_are_penalised(area, publish):
    need = publish(Need, area["minan"])
    resource = publish(Resource, area["minan"])
    old = MatchingRun.objects.create(scope_code="")
    Proposal.objects.create(
        run=old,
        need=need,
        resource=resource,
        committee=area["minan"],
        quantity=1,
        status=Proposal.Status.DECLINED,
    )
    proposal = run_over().proposals.get()
    assert proposal.score_parts["declined_before"] == 1.0


# --- Runs: idempotence, overlap, permissions ---------------------------------------------------------------------


def test_executing_a_run_twice_writes_nothing_twice(area, publish):
    publish(Need, area["minan"], quantity=2)
    publish(Resource, area["minan"], quantity=2)
    run = MatchingRun.objects.create(scope_code="110101", committee=area["dongcheng"])
    assert runs.execute(run.pk) == "done"
    assert runs.execute(run.pk) == "finished before"
    assert run.proposals.count() == 1
    run.refresh_from_db()
    assert (run.status, run.counts["proposals"]) == ("done", 1)
    assert set(run.timings) == {"collect", "propose", "write", "solve"}


def test_a_second_request_over_an_overlapping_scope_reports_the_running_one(
    area, secretary_of, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = runs.start_run(committee=area["dongcheng"], by=secretary_of(area["dongcheng"]))
        street = runs.start_run(committee=area["beixinqiao"], by=secretary_of(area["beixinqiao"]))
        other = runs.start_run(committee=area["xicheng"], by=secretary_of(area["xicheng"]))
    assert first.created and not street.created and street.run == first.run
    assert other.created
    assert len(callbacks) == 2  # one task per created run, sent after commit


def test_a_secretary_cannot_start_a_run_over_another_street(area, secretary_of):
    with pytest.raises(runs.PermissionDenied):
        runs.start_run(committee=area["desheng"], by=secretary_of(area["beixinqiao"]))
    assert not MatchingRun.objects.exists()


def test_a_failing_run_records_its_error(area, publish, monkeypatch):
    publish(Need, area["minan"])
    run = MatchingRun.objects.create(scope_code="110101", committee=area["dongcheng"])
    monkeypatch.setattr(runs, "perform", lambda *a, **k: 1 / 0)
    assert runs.execute(run.pk) == "failed"
    run.refresh_from_db()
    assert run.status == "failed" and "ZeroDivisionError" in run.error


def test_a_city_run_splits_by_district_and_allocates_city_resources_once(
    area, publish, django_capture_on_commit_callbacks
):
    publish(Need, area["minan"], reach="city", title="需要义诊甲")
    publish(Need, area["liupukang"], reach="city", title="需要义诊乙")
    publish(Resource, area["zhaojialou"], reach="city", quantity=1, title="全市义诊车")
    publish(Resource, area["liupukang"], reach="district", quantity=1, title="西城义诊")
    city = MatchingRun.objects.create(scope_code="")
    with django_capture_on_commit_callbacks():
        assert runs.execute(city.pk) == "split into shards"
    shards = list(city.shards.order_by("scope_code"))
    assert [s.scope_code for s in shards] == ["110101", "110102"]
    with django_capture_on_commit_callbacks():
        for shard in shards:
            runs.execute(shard.pk)
    assert runs.finish_city(city.pk) == "done"
    every = Proposal.objects.filter(run__in=[city, *shards])
    assert every.filter(resource__title="全市义诊车").count() == 1
    assert every.filter(resource__title="西城义诊").get().need.title == "需要义诊乙"
    city.refresh_from_db()
    assert city.status == "done" and city.counts["proposals"] == 2


def test_the_run_shows_in_counts_how_many_candidates_it_scored(area, publish):
    for _ in range(3):
        publish(Need, area["minan"])
    for _ in range(2):
        publish(Resource, area["minan"])
    run = run_over()
    assert run.counts["candidates"] == 6 and run.counts["needs"] == 3 and run.counts["resources"] == 2


@pytest.mark.postgres
def test_proposals_written_with_copy_read_back_the_same(area, publish, monkeypatch):
    publish(Need, area["minan"], title="社区老年人健康义诊")
    publish(Resource, area["jiudaowan"], title="医院志愿者健康义诊")
    monkeypatch.setattr(propose, "BATCH", 0)  # COPY for any number of proposals
    proposal = run_over().proposals.get()
    assert proposal.score_parts["distance"] == 0.75
    assert "义诊" in proposal.explanation["shared_words"] and proposal.created_at is not None
