"""双报到 figures on a hand-built 2025 data set: the expected numbers are worked out by hand below."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from committees.models import MemberReport, OrganisationReport
from matching.models import CommitteeFigures, CommunityTask, SignUp
from matching.outcomes import figures, periods, results
from tests.factories import MembershipFactory, MemberUnitFactory, UserFactory


def at(day: str, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


@pytest.fixture
def data(area, superuser):
    minan, jiudaowan, zhao = area["minan"], area["jiudaowan"], area["zhaojialou"]
    unit_a = MembershipFactory(committee=minan, unit=MemberUnitFactory(name="甲单位")).unit
    unit_b = MembershipFactory(committee=jiudaowan, unit=MemberUnitFactory(name="乙单位")).unit
    unit_c = MembershipFactory(committee=zhao, unit=MemberUnitFactory(name="丙单位")).unit
    for unit, community, day in [(unit_a, minan, "2025-03-01"), (unit_b, jiudaowan, "2025-04-01"),
                                 (unit_c, zhao, "2024-12-01")]:  # fmt: skip
        report = OrganisationReport.objects.create(
            unit=unit, community=community, year=2025, reported_by=superuser
        )
        OrganisationReport.objects.filter(pk=report.pk).update(reported_at=at(day))

    def member(name, community, unit, status, confirmed):
        return MemberReport.objects.create(
            user=UserFactory(),
            community=community,
            name=name,
            phone="13812345678",
            unit=unit,
            status=status,
            confirmed_at=at(confirmed) if confirmed else None,
        )

    m1 = member("甲一", minan, unit_a, "confirmed", "2025-01-10")
    m2 = member("甲二", minan, unit_a, "confirmed", "2025-02-01")
    member("甲三", minan, unit_a, "pending", None)  # not confirmed: not counted
    member("甲四", minan, unit_a, "withdrawn", "2025-01-05")  # withdrawn: not counted
    m5 = member("乙一", jiudaowan, unit_b, "confirmed", "2025-05-01")
    member("丙一", zhao, unit_c, "confirmed", "2026-01-05")  # after 2025

    def task(community, day, wanted, filled=None, status="published"):
        return CommunityTask.objects.create(
            community=community,
            title="任务",
            place="某处",
            starts_at=at(day),
            ends_at=at(day, 12),
            people_wanted=wanted,
            filled_at=at(filled, 8) if filled else None,
            status=status,
            created_by=superuser,
        )

    t1 = task(minan, "2025-06-01", 2, filled="2025-05-30")  # filled on time
    t2 = task(minan, "2025-07-01", 3)  # never filled
    t3 = task(jiudaowan, "2025-08-01", 1, filled="2025-08-02")  # filled after its start: not on time
    task(minan, "2025-09-01", 1, status="cancelled")  # cancelled: not due
    t5 = task(minan, "2024-12-20", 1, filled="2024-12-19")  # 2024

    def served(member_, task_, hours=None, status="confirmed"):
        SignUp.objects.create(
            task=task_,
            member=member_,
            status=status,
            hours=Decimal(hours) if hours else None,
            confirmed_at=task_.ends_at if hours else None,
        )

    served(m1, t1, "3.0")
    served(m2, t1, "2.5")
    served(m1, t2, "1.5")
    served(m2, t2, status="checked_in")  # checked in, hours not confirmed: nothing counts
    served(m5, t3, "4.0")
    served(m1, t5, "2.0")  # 2024
    return {"unit_a": unit_a, "unit_b": unit_b}


def _row(committee, key):
    row = CommitteeFigures.objects.get(committee=committee, period=key)
    return (
        row.organisations_reported,
        row.members_reported,
        row.members_active,
        row.service_hours,
        row.tasks_due,
        row.tasks_filled_on_time,
    )


def test_figures_of_the_hand_built_year(area, data):
    figures.compute([periods.parse("2025"), periods.parse("2025-06")])
    # organisations, members reported, members who served, hours, tasks due, tasks filled on time
    assert _row(area["minan"], "2025") == (1, 2, 2, 7.0, 2, 1)
    assert _row(area["jiudaowan"], "2025") == (1, 1, 1, 4.0, 1, 0)
    assert _row(area["beixinqiao"], "2025") == (2, 3, 3, 11.0, 3, 1)
    assert _row(area["zhaojialou"], "2025") == (0, 0, 0, 0.0, 0, 0)
    assert _row(area["dongcheng"], "2025") == (2, 3, 3, 11.0, 3, 1)
    assert _row(area["minan"], "2025-06") == (0, 2, 2, 5.5, 1, 1)


def test_units_ranked_by_their_members_service(area, data):
    rows = results.units_by_service(area["beixinqiao"], periods.parse("2025"))
    assert rows == []  # no unit sits on the street itself
    rows = results.units_by_service(area["minan"], periods.parse("2025"))
    assert rows == [
        {"unit_id": data["unit_a"].pk, "unit": "甲单位", "members_reported": 2, "members_active": 2,
         "service_hours": 7.0, "rank": 1}
    ]  # fmt: skip
