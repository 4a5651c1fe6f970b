"""Figures on a hand-built data set with known answers: the three rates, medians, participation, meeting
compliance, Bayesian reputation, weighted indicator totals, and the reputation's effect on the matcher."""

import datetime
from decimal import Decimal

import pytest

from committees.models import (
    Need,
    Resource,
)
from matching.models import (
    CommitteeFigures,
    Evaluation,
    Indicator,
    IndicatorScore,
    IndicatorTree,
    MatchingRun,
    Proposal,
    UnitReputation,
)
from matching.outcomes import evaluation, figures, periods, results

pytestmark = pytest.mark.django_db


def stored(committee, period):
    return CommitteeFigures.objects.get(committee=committee, period=period)


def test_the_street_year_has_the_known_rates_and_medians(city):
    row = stored(city["beixinqiao"], "2025")
    assert (row.needs_raised, row.needs_responded, row.needs_resolved) == (4, 2, 1)
    assert (row.response_rate, row.resolution_rate) == (50.0, 25.0)
    assert (row.median_days_to_confirm, row.median_days_to_complete) == (15.0, 30.0)


def test_the_district_counts_its_streets_together(city):
    row = stored(city["dongcheng"], "2025")
    assert (row.needs_raised, row.needs_responded, row.needs_resolved) == (5, 3, 2)
    assert (row.response_rate, row.resolution_rate) == (60.0, 40.0)
    assert (row.median_days_to_confirm, row.median_days_to_complete) == (10.0, 22.0)


def test_satisfaction_counts_revealed_need_side_ratings_only(city):
    assert (
        stored(city["beixinqiao"], "2025").ratings,
        stored(city["beixinqiao"], "2025").satisfaction_rate,
    ) == (1, 100.0)
    district = stored(city["dongcheng"], "2025")
    assert (district.ratings, district.ratings_satisfied, district.satisfaction_rate) == (2, 1, 50.0)


def test_participation_is_units_that_offered_or_answered_of_all_member_units(city):
    street = stored(city["beixinqiao"], "2025")
    assert (street.units, street.units_participating, street.participation_rate) == (4, 2, 50.0)
    district = stored(city["dongcheng"], "2025")
    assert (district.units, district.units_participating, district.participation_rate) == (5, 2, 40.0)


def test_meeting_compliance_counts_committees_with_two_plenaries_up_to_the_period_end(city):
    year = stored(city["beixinqiao"], "2025")
    assert (year.committees, year.committees_compliant, year.compliance_rate) == (3, 1, 33.33)
    march = stored(city["beixinqiao"], "2025-03")
    assert (march.committees, march.committees_compliant) == (3, 0)


def test_a_month_counts_the_needs_published_in_it(city):
    march = stored(city["beixinqiao"], "2025-03")
    assert (march.needs_raised, march.needs_responded, march.needs_resolved) == (2, 1, 1)
    assert (march.median_days_to_confirm, march.median_days_to_complete) == (15.0, 30.0)
    assert stored(city["beixinqiao"], "2025-06").needs_raised == 1
    assert stored(city["beixinqiao"], "2025-01").needs_raised == 0


def test_computing_twice_writes_the_same_rows(city):
    before = list(
        CommitteeFigures.objects.order_by("pk").values_list("pk", "committee_id", "period", "needs_raised")
    )
    figures.compute(periods.year_with_months(2025, datetime.date(2025, 12, 31)))
    after = list(
        CommitteeFigures.objects.order_by("pk").values_list("pk", "committee_id", "period", "needs_raised")
    )
    assert after == before
    assert len(after) == 9 * 13  # nine committees, the year and its twelve months


def test_reputation_is_the_bayesian_average_of_revealed_ratings(city, settings):
    settings.REPUTATION_PRIOR_WEIGHT = 5
    assert evaluation.compute_reputations() == 2
    # Revealed ratings 5, 3, 3: prior mean 11/3. Hospital: (5 × 11/3 + 5 + 3) / 7; 民安: (5 × 11/3 + 3) / 6.
    hospital = UnitReputation.objects.get(unit=city["hospital"])
    assert (hospital.ratings, hospital.rating_sum, hospital.score) == (2, 8, round(79 / 21, 4))
    assert UnitReputation.objects.get(unit=city["minan_unit"]).score == round(64 / 18, 4)


def test_recomputing_reputations_drops_units_no_longer_rated(city):
    evaluation.compute_reputations()
    Evaluation.objects.filter(rated_unit=city["minan_unit"]).update(revealed_at=None)
    assert evaluation.compute_reputations() == 1
    assert not UnitReputation.objects.filter(unit=city["minan_unit"]).exists()


def tree_with_three_levels(committee):
    """A (60): A1 manual /100 (1), A2 projects completed (1);
    B (40): B1 (1) → B1a manual /10 (1), B1b satisfaction (1); B2 rating (1)."""
    tree = IndicatorTree.objects.create(committee=committee, year=2025, title="2025年度考核")
    a = Indicator.objects.create(tree=tree, name="服务成效", kind=Indicator.Kind.GROUP, weight=60)
    b = Indicator.objects.create(tree=tree, name="群众评价", kind=Indicator.Kind.GROUP, weight=40)
    b1 = Indicator.objects.create(tree=tree, parent=b, name="协作", kind=Indicator.Kind.GROUP, weight=1)
    leaves = {
        "a1": Indicator.objects.create(tree=tree, parent=a, name="台账完整", weight=1, max_score=100),
        "a2": Indicator.objects.create(
            tree=tree, parent=a, name="完成项目", kind="automatic", metric="projects_completed", weight=1
        ),
        "b1a": Indicator.objects.create(tree=tree, parent=b1, name="联络及时", weight=1, max_score=10),
        "b1b": Indicator.objects.create(
            tree=tree, parent=b1, name="满意率", kind="automatic", metric="satisfaction", weight=1
        ),
        "b2": Indicator.objects.create(
            tree=tree, parent=b, name="信誉", kind="automatic", metric="rating", weight=1
        ),
    }
    return tree, leaves


def test_leaf_shares_multiply_down_the_tree_and_sum_to_one(area):
    tree, leaves = tree_with_three_levels(area["beixinqiao"])
    shares = evaluation.leaf_weights(tree.indicators.all())
    assert shares == pytest.approx(
        {
            leaves["a1"].pk: 0.3,
            leaves["a2"].pk: 0.3,
            leaves["b1a"].pk: 0.1,
            leaves["b1b"].pk: 0.1,
            leaves["b2"].pk: 0.2,
        }
    )
    assert sum(shares.values()) == pytest.approx(1)


def test_weighted_totals_combine_manual_scores_and_metrics(area):
    tree, leaves = tree_with_three_levels(area["beixinqiao"])
    manual = {(leaves["a1"].pk, 1): Decimal("80"), (leaves["b1a"].pk, 1): Decimal("5")}
    metrics = {1: {"projects_completed": 1.0, "satisfaction": 0.5, "rating": 0.8}, 2: {"rating": 0.6}}
    totals = evaluation.weighted_totals(tree.indicators.all(), manual, metrics, [1, 2])
    # unit 1: 0.3×0.8 + 0.3×1 + 0.1×0.5 + 0.1×0.5 + 0.2×0.8 = 0.80; unit 2: 0.2×0.6 = 0.12 (unscored leaves are 0)
    assert totals == {1: 80.0, 2: 12.0}


def test_the_unit_ranking_uses_the_committees_indicator_system(city, superuser):
    evaluation.compute_reputations()
    tree, leaves = tree_with_three_levels(city["beixinqiao"])
    results.score_indicator(
        indicator=leaves["a1"], unit=city["street_unit"], score=100, evidence="台账齐全", by=superuser
    )
    ranking = results.unit_ranking(city["beixinqiao"], periods.parse("2025"))
    by_name = {row["unit"]: row for row in ranking}
    hospital = by_name["东城区第一人民医院"]
    # Hospital: 2 projects completed (the best: 1.0), satisfaction of its ratings 1 of 2, reputation 79/21.
    expected = 100 * (0.3 * 1.0 + 0.1 * 0.5 + 0.2 * (79 / 21) / 5)
    assert hospital["indicator_total"] == pytest.approx(round(expected, 2))
    assert (hospital["projects_completed"], hospital["ratings"], hospital["average_rating"]) == (2, 2, 4.0)
    assert ranking[0]["unit"] == "东城区第一人民医院" and ranking[0]["rank"] == 1
    # The street's centre: 0.3 × 100/100 plus its (prior) reputation 11/3 on 0.2.
    centre = by_name["北新桥街道社区服务中心"]
    assert centre["indicator_total"] == pytest.approx(round(100 * (0.3 + 0.2 * (11 / 3) / 5), 2))


def test_the_sub_committee_ranking_orders_by_resolution_rate(city):
    ranking = results.committee_ranking(city["dongcheng"], periods.parse("2025"))
    assert [(row["committee"], row["rank"]) for row in ranking] == [("建国门街道", 1), ("北新桥街道", 2)]
    assert ranking[0]["resolution_rate"] == 100.0


def test_a_manual_score_outside_full_marks_is_refused_with_a_message(city, superuser):
    _tree, leaves = tree_with_three_levels(city["beixinqiao"])
    with pytest.raises(Exception) as error:
        results.score_indicator(
            indicator=leaves["b1a"], unit=city["street_unit"], score=11, evidence="x", by=superuser
        )
    assert "0" in str(error.value) and "10" in str(error.value)
    assert not IndicatorScore.objects.exists()


def test_a_higher_reputation_wins_where_scores_otherwise_tie(area, publish):
    need = publish(Need, area["minan"], title="社区健康义诊")
    trusted = publish(Resource, area["minan"], title="医院志愿者义诊")
    untested = publish(Resource, area["minan"], title="医院志愿者义诊")
    UnitReputation.objects.create(unit=trusted.owner_unit, ratings=4, rating_sum=20, score=4.6)
    UnitReputation.objects.create(unit=untested.owner_unit, ratings=4, rating_sum=8, score=2.4)
    run = MatchingRun.objects.create(committee=area["beixinqiao"], scope_code="110101005", status="running")
    from matching.pipeline import runs

    runs.perform(run)
    chosen = run.proposals.get(need=need)
    assert chosen.resource_id == trusted.pk
    # And the other way round: the choice follows the reputation, not the order of creation.
    UnitReputation.objects.filter(unit=trusted.owner_unit).update(score=2.0)
    rerun = MatchingRun.objects.create(committee=area["beixinqiao"], scope_code="110101005", status="running")
    Proposal.objects.all().update(status=Proposal.Status.EXPIRED)
    runs.perform(rerun)
    assert rerun.proposals.get(need=need).resource_id == untested.pk
