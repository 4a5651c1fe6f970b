"""Departments' figures (考核评价) on a hand-built data set: the expected numbers are written out below."""

import datetime

import pytest

from committees.models import DutySeat
from matching import summons as service
from matching.models import DepartmentFigures, Summons, SummonsPart
from matching.outcomes import figures, periods
from tests.factories import DepartmentFactory, DutySeatFactory

BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def at(month, day, hour):
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=BEIJING)


@pytest.fixture
def assessed(area, secretary_of):
    """2026 in 北新桥街道:
    - S1 urgent, Mon 2 March 09:00 (report by 11:00), to 区交通委 and 城管执法队: 交通委 reports at 10:00 (1 h, on
      time) and is done at 15:00 (6 h), rated 5/5/4; 城管 reports at 12:00 (3 h, late), cannot handle, rated 2/3/2;
    - S2 ordinary, Wed 4 March 09:00 (report by Thu 09:00), to 交通委: reports at 21:00 (12 h, on time), done Fri
      6 March 09:00 (48 h), rated 4/4/4;
    - S3 urgent, Wed 1 April 09:00, to 交通委: never reported, closed unresolved and not rated."""
    traffic = DepartmentFactory(name="区交通委", district=area["dongcheng"], streets=[area["beixinqiao"]])
    chengguan = DepartmentFactory(
        name="城管执法队", kind="station", district=area["dongcheng"], streets=[area["beixinqiao"]]
    )
    idle = DepartmentFactory(name="房管所", kind="station", district=area["dongcheng"])
    secretary = secretary_of(area["beixinqiao"])
    traffic_duty = DutySeatFactory(department=traffic).user
    chengguan_duty = DutySeatFactory(department=chengguan, role=DutySeat.Role.ON_DUTY).user

    def summon(departments, urgency, now):
        return service.raise_summons(
            by=secretary,
            committee=area["beixinqiao"],
            departments=departments,
            title="路口积水",
            place="北新桥三条",
            category=Summons.Category.EMERGENCY,
            urgency=urgency,
            now=now,
        )

    def part(summons, department):
        return SummonsPart.objects.get(summons=summons, department=department)

    s1 = summon([traffic, chengguan], Summons.Urgency.URGENT, at(3, 2, 9))
    service.report(part=part(s1, traffic), by=traffic_duty, attendee_name="王队长", now=at(3, 2, 10))
    service.finish_part(part=part(s1, traffic), by=traffic_duty, done=True, now=at(3, 2, 15))
    service.report(part=part(s1, chengguan), by=chengguan_duty, attendee_name="李队长", now=at(3, 2, 12))
    service.finish_part(part=part(s1, chengguan), by=chengguan_duty, done=False, reason="非本所职责")
    service.close_summons(
        summons=s1,
        by=secretary,
        resolved=True,
        ratings={part(s1, traffic).pk: (5, 5, 4), part(s1, chengguan).pk: (2, 3, 2)},
        now=at(3, 2, 16),
    )

    s2 = summon([traffic], Summons.Urgency.ORDINARY, at(3, 4, 9))
    assert s2.report_due_at == at(3, 5, 9)
    service.report(part=part(s2, traffic), by=traffic_duty, attendee_name="王队长", now=at(3, 4, 21))
    service.finish_part(part=part(s2, traffic), by=traffic_duty, done=True, now=at(3, 6, 9))
    service.close_summons(
        summons=s2, by=secretary, resolved=True, ratings={part(s2, traffic).pk: (4, 4, 4)}, now=at(3, 6, 10)
    )

    s3 = summon([traffic], Summons.Urgency.URGENT, at(4, 1, 9))
    service.close_summons(summons=s3, by=secretary, resolved=False, now=at(4, 2, 9))
    return {"traffic": traffic, "chengguan": chengguan, "idle": idle}


def row(department, period):
    figures_row = DepartmentFigures.objects.get(department=department, period=period)
    return (
        figures_row.summons_received,
        figures_row.reported_on_time,
        figures_row.resolved,
        figures_row.ratings,
        figures_row.ratings_satisfied,
        figures_row.median_hours_to_report,
        figures_row.median_hours_to_resolve,
    )


PERIODS = [periods.parse("2026"), periods.parse("2026-03"), periods.parse("2026-04")]


def test_department_figures_on_the_hand_built_year(assessed):
    written = figures.compute_departments(PERIODS)

    assert written == 3 * 3
    # received, on time, handled, ratings, satisfied, median h to report, median h to handle
    assert row(assessed["traffic"], "2026") == (3, 2, 2, 2, 2, 6.5, 27.0)
    assert row(assessed["traffic"], "2026-03") == (2, 2, 2, 2, 2, 6.5, 27.0)
    assert row(assessed["traffic"], "2026-04") == (1, 0, 0, 0, 0, None, None)
    assert row(assessed["chengguan"], "2026") == (1, 0, 0, 1, 0, 3.0, None)
    assert row(assessed["idle"], "2026") == (0, 0, 0, 0, 0, None, None)


def test_department_rates(assessed):
    figures.compute_departments(PERIODS)

    traffic = DepartmentFigures.objects.get(department=assessed["traffic"], period="2026")
    chengguan = DepartmentFigures.objects.get(department=assessed["chengguan"], period="2026")

    assert (traffic.on_time_rate, traffic.resolution_rate, traffic.satisfaction_rate) == (66.67, 66.67, 100.0)
    assert (chengguan.on_time_rate, chengguan.resolution_rate, chengguan.satisfaction_rate) == (0.0, 0.0, 0.0)


def test_the_nightly_pass_computes_departments_beside_committees_and_twice_gives_the_same_rows(assessed):
    figures.compute(PERIODS)
    first = sorted(DepartmentFigures.objects.values_list("department_id", "period", "reported_on_time"))
    figures.compute(PERIODS)

    assert (
        sorted(DepartmentFigures.objects.values_list("department_id", "period", "reported_on_time")) == first
    )
    assert DepartmentFigures.objects.count() == 9


def test_a_pass_over_one_street_leaves_the_departments_alone(assessed, area):
    assert figures.compute_departments(PERIODS, within=area["beixinqiao"].area_code) == 0
    assert not DepartmentFigures.objects.exists()
