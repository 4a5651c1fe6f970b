"""吹哨报到: who sees which summons, the forbidden cases, deadlines and reminders on a frozen clock, a need that
becomes a summons, reporting, handling, closing with ratings."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from committees.models import Category, DutySeat, Need, Notification
from committees.scoping import forget_scope
from config.exceptions import InvalidTransition
from config.todo import todos_for
from matching import scoping
from matching import summons as service
from matching.models import Summons, SummonsPart, SummonsRecord
from tests.factories import DepartmentFactory, DutySeatFactory
from tests.images import jpeg

BEIJING = datetime.timezone(datetime.timedelta(hours=8))
# A Wednesday morning in Beijing.
WEDNESDAY_9AM = datetime.datetime(2027, 3, 17, 9, 0, tzinfo=BEIJING)


@pytest.fixture
def world(area, secretary_of, overseer_of):
    """北新桥街道 summons 区交通委 and 城管执法队 (both cover it); 德胜街道 (西城区) has its own 派出所."""
    traffic = DepartmentFactory(name="区交通委", district=area["dongcheng"], streets=[area["beixinqiao"]])
    chengguan = DepartmentFactory(
        name="北新桥城管执法队", kind="station", district=area["dongcheng"], streets=[area["beixinqiao"]]
    )
    police = DepartmentFactory(
        name="德胜派出所", kind="station", district=area["xicheng"], streets=[area["desheng"]]
    )
    return {
        **area,
        "traffic": traffic,
        "chengguan": chengguan,
        "police": police,
        "traffic_duty": DutySeatFactory(department=traffic).user,
        "traffic_leader": DutySeatFactory(department=traffic, role=DutySeat.Role.LEADER).user,
        "chengguan_duty": DutySeatFactory(department=chengguan).user,
        "police_duty": DutySeatFactory(department=police).user,
        "street_secretary": secretary_of(area["beixinqiao"]),
        "other_street_secretary": secretary_of(area["desheng"]),
        "district_secretary": secretary_of(area["dongcheng"]),
        "community_secretary": secretary_of(area["minan"]),
    }


def raise_urgent(world, *, departments=None, now=WEDNESDAY_9AM):
    return service.raise_summons(
        by=world["street_secretary"],
        committee=world["beixinqiao"],
        departments=departments or [world["traffic"], world["chengguan"]],
        title="北新桥三条路口积水，车辆无法通行",
        place="北新桥三条东口",
        category=Summons.Category.EMERGENCY,
        urgency=Summons.Urgency.URGENT,
        now=now,
    )


def part_of(summons, department):
    return SummonsPart.objects.get(summons=summons, department=department)


# --- Who sees which summons -------------------------------------------------------------------------------------


def test_a_department_sees_only_the_summons_addressed_to_it(world):
    mine = raise_urgent(world, departments=[world["traffic"]])
    not_mine = raise_urgent(world, departments=[world["chengguan"]])

    assert list(scoping.summons_for(world["traffic_duty"])) == [mine]
    assert list(scoping.summons_parts_for(world["traffic_duty"])) == [part_of(mine, world["traffic"])]
    assert not scoping.summons_for(world["police_duty"]).exists()
    assert not_mine not in scoping.summons_for(world["traffic_duty"])


def test_a_department_does_not_see_another_departments_part_of_the_same_summons(world):
    summons = raise_urgent(world)

    visible = set(scoping.summons_parts_for(world["traffic_duty"]))

    assert visible == {part_of(summons, world["traffic"])}


def test_secretaries_see_their_subtrees_summons_and_not_another_streets(world):
    summons = raise_urgent(world)

    assert summons in scoping.summons_for(world["street_secretary"])
    assert summons in scoping.summons_for(world["district_secretary"])
    assert summons not in scoping.summons_for(world["other_street_secretary"])
    assert summons not in scoping.summons_for(world["community_secretary"])


def test_streets_see_the_departments_covering_them(world):
    assert set(scoping.departments_for(world["street_secretary"])) == {world["traffic"], world["chengguan"]}
    assert set(scoping.departments_for(world["community_secretary"])) == {
        world["traffic"],
        world["chengguan"],
    }
    assert set(scoping.departments_for(world["other_street_secretary"])) == {world["police"]}
    assert set(scoping.departments_for(world["traffic_duty"])) == {world["traffic"]}


def test_a_community_summons_its_streets_stations_only(world):
    with pytest.raises(ValidationError):
        service.raise_summons(
            by=world["community_secretary"],
            committee=world["minan"],
            departments=[world["traffic"]],
            title="楼道堆物",
            place="民安小区3号楼",
            category=Summons.Category.CITY,
            now=WEDNESDAY_9AM,
        )
    summons = service.raise_summons(
        by=world["community_secretary"],
        committee=world["minan"],
        departments=[world["chengguan"]],
        title="楼道堆物",
        place="民安小区3号楼",
        category=Summons.Category.CITY,
        now=WEDNESDAY_9AM,
    )
    assert [part.department for part in summons.parts.all()] == [world["chengguan"]]


# --- Forbidden cases: nothing changes ---------------------------------------------------------------------------


def test_another_streets_secretary_cannot_summon_for_this_street(world):
    with pytest.raises(PermissionDenied):
        service.raise_summons(
            by=world["other_street_secretary"],
            committee=world["beixinqiao"],
            departments=[world["traffic"]],
            title="占道经营",
            place="北新桥",
            category=Summons.Category.CITY,
        )
    assert not Summons.objects.exists()


def test_a_street_cannot_summon_a_department_not_covering_it(world):
    with pytest.raises(ValidationError):
        raise_urgent(world, departments=[world["traffic"], world["police"]])
    assert not Summons.objects.exists()


def test_another_streets_secretary_cannot_close_or_rate(world):
    summons = raise_urgent(world)
    part = part_of(summons, world["traffic"])

    with pytest.raises(PermissionDenied):
        service.close_summons(summons=summons, by=world["other_street_secretary"], resolved=True)
    with pytest.raises(PermissionDenied):
        service.rate_part(part=part, by=world["other_street_secretary"], timeliness=1, attitude=1, result=1)

    summons.refresh_from_db()
    part.refresh_from_db()
    assert summons.status == Summons.Status.OPEN and summons.closed_at is None
    assert part.timeliness is None


def test_another_department_cannot_report_for_a_part(world):
    summons = raise_urgent(world)
    part = part_of(summons, world["traffic"])

    for intruder in (world["chengguan_duty"], world["police_duty"], world["street_secretary"]):
        with pytest.raises(PermissionDenied):
            service.report(part=part, by=intruder, attendee_name="冒名者")
        with pytest.raises(PermissionDenied):
            service.finish_part(part=part, by=intruder, done=True)

    part.refresh_from_db()
    assert part.status == SummonsPart.Status.SUMMONED and part.attendee_name == ""


def test_a_finished_part_cannot_report_again(world):
    summons = raise_urgent(world)
    part = part_of(summons, world["traffic"])
    service.report(part=part, by=world["traffic_duty"], attendee_name="王队长", now=WEDNESDAY_9AM)
    service.finish_part(part=part, by=world["traffic_duty"], done=True)

    with pytest.raises(InvalidTransition):
        service.report(part=part, by=world["traffic_duty"], attendee_name="再来一次")
    with pytest.raises(InvalidTransition):
        service.record_handling(part=part, by=world["traffic_duty"], text="补充")


def test_unable_needs_a_reason(world):
    part = part_of(raise_urgent(world), world["traffic"])
    service.report(part=part, by=world["traffic_duty"], attendee_name="王队长")

    with pytest.raises(ValidationError):
        service.finish_part(part=part, by=world["traffic_duty"], done=False, reason="  ")
    part = service.finish_part(
        part=part, by=world["traffic_duty"], done=False, reason="属市级道路，需市交通委"
    )

    assert part.status == SummonsPart.Status.UNABLE
    assert part.unable_reason == "属市级道路，需市交通委"


# --- Deadlines ----------------------------------------------------------------------------------------------------


def test_an_urgent_summons_counts_hours_and_an_ordinary_one_working_days(world):
    urgent = raise_urgent(world)
    friday_4pm = datetime.datetime(2027, 3, 19, 16, 0, tzinfo=BEIJING)
    ordinary = service.raise_summons(
        by=world["street_secretary"],
        committee=world["beixinqiao"],
        departments=[world["traffic"]],
        title="共享单车乱停放",
        place="北新桥地铁站A口",
        category=Summons.Category.TRAFFIC,
        now=friday_4pm,
    )

    assert urgent.report_due_at == WEDNESDAY_9AM + datetime.timedelta(hours=2)
    assert urgent.resolve_due_at == WEDNESDAY_9AM + datetime.timedelta(hours=24)
    # One working day after Friday 16:00 is Monday 16:00; five are the next Friday.
    assert ordinary.report_due_at == datetime.datetime(2027, 3, 22, 16, 0, tzinfo=BEIJING)
    assert ordinary.resolve_due_at == datetime.datetime(2027, 3, 26, 16, 0, tzinfo=BEIJING)


def test_a_committees_rules_change_the_default_deadlines(world):
    from matching.models import SummonsRules

    SummonsRules.objects.create(committee=world["beixinqiao"], urgent_report_hours=1, urgent_resolve_hours=6)

    summons = raise_urgent(world)

    assert summons.report_due_at == WEDNESDAY_9AM + datetime.timedelta(hours=1)
    assert summons.resolve_due_at == WEDNESDAY_9AM + datetime.timedelta(hours=6)


def test_working_days_skip_the_weekend():
    saturday = datetime.datetime(2027, 3, 20, 10, 0, tzinfo=BEIJING)
    assert service.add_working_days(saturday, 1) == datetime.datetime(2027, 3, 23, 0, 0, tzinfo=BEIJING)
    assert service.add_working_days(WEDNESDAY_9AM, 3) == datetime.datetime(2027, 3, 22, 9, 0, tzinfo=BEIJING)


# --- Reminders and escalation on a frozen clock ----------------------------------------------------------------


def messages_to(user):
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("message", flat=True))


def test_a_missed_report_is_reminded_once_at_the_deadline_and_escalated_once_after(world):
    summons = raise_urgent(world)  # report by 11:00
    traffic, chengguan = part_of(summons, world["traffic"]), part_of(summons, world["chengguan"])
    service.report(part=chengguan, by=world["chengguan_duty"], attendee_name="李队长", now=WEDNESDAY_9AM)
    summoned = len(messages_to(world["traffic_duty"]))

    with time_machine.travel(WEDNESDAY_9AM + datetime.timedelta(hours=1, minutes=59), tick=False):
        assert service.chase() == (0, 0)
    with time_machine.travel(WEDNESDAY_9AM + datetime.timedelta(hours=2), tick=False):
        assert service.chase() == (1, 0)
        assert service.chase() == (0, 0)  # the job runs again: nothing twice
    assert len(messages_to(world["traffic_duty"])) == summoned + 1
    assert (
        "Overdue" in messages_to(world["traffic_duty"])[-1]
        or "逾期" in messages_to(world["traffic_duty"])[-1]
    )
    assert messages_to(world["traffic_leader"]) == []

    with time_machine.travel(WEDNESDAY_9AM + datetime.timedelta(hours=3), tick=False):
        assert service.chase() == (0, 1)
        assert service.chase() == (0, 0)
    with time_machine.travel(WEDNESDAY_9AM + datetime.timedelta(days=2), tick=False):
        assert service.chase() == (0, 0)

    assert len(messages_to(world["traffic_leader"])) == 1
    assert len(messages_to(world["district_secretary"])) == 1
    assert "区交通委" in messages_to(world["district_secretary"])[0]
    traffic.refresh_from_db()
    chengguan.refresh_from_db()
    assert traffic.reminded_at == WEDNESDAY_9AM + datetime.timedelta(hours=2)
    assert traffic.escalated_at == WEDNESDAY_9AM + datetime.timedelta(hours=3)
    assert chengguan.reminded_at is None and chengguan.escalated_at is None


def test_a_closed_summons_is_not_chased(world):
    summons = raise_urgent(world)
    service.close_summons(summons=summons, by=world["street_secretary"], resolved=False, now=WEDNESDAY_9AM)

    with time_machine.travel(WEDNESDAY_9AM + datetime.timedelta(days=1), tick=False):
        assert service.chase() == (0, 0)


def test_the_report_clears_the_departments_notification_and_todo(world):
    with time_machine.travel(WEDNESDAY_9AM, tick=False):
        summons = raise_urgent(world)
        part = part_of(summons, world["traffic"])
        [item] = todos_for(world["traffic_duty"])
        assert item.kind == "summons" and item.deadline == summons.report_due_at
        assert Notification.objects.filter(user=world["traffic_duty"], done_at__isnull=True).count() == 1

        service.report(
            part=part, by=world["traffic_duty"], attendee_name="王队长", attendee_phone="13900001111"
        )

        assert Notification.objects.filter(user=world["traffic_duty"], done_at__isnull=True).count() == 0
        [item] = todos_for(world["traffic_duty"])
        assert item.deadline == summons.resolve_due_at  # now to handle, by the deadline to resolve


def test_the_secretary_sees_overdue_summons_in_the_todo_list(world):
    with time_machine.travel(WEDNESDAY_9AM, tick=False):
        summons = raise_urgent(world)
        assert [item for item in todos_for(world["street_secretary"]) if item.kind == "summons_overdue"] == []
    with time_machine.travel(WEDNESDAY_9AM + datetime.timedelta(hours=2, minutes=1), tick=False):
        overdue = [item for item in todos_for(world["street_secretary"]) if item.kind == "summons_overdue"]
        assert len(overdue) == 1 and summons.title in overdue[0].title
        assert overdue[0].url.endswith(f"/{summons.pk}/change/")
        assert not [
            item for item in todos_for(world["other_street_secretary"]) if item.kind == "summons_overdue"
        ]


# --- A need becomes a summons -----------------------------------------------------------------------------------


def test_a_need_no_unit_could_take_becomes_a_summons_and_keeps_its_history(world, publish):
    need = publish(Need, world["beixinqiao"], title="小区门口道路破损需修复", owner_committee=True)
    history_before = need.history.count()

    summons = service.summons_from_need(
        need=need,
        by=world["street_secretary"],
        departments=[world["traffic"]],
        category=Summons.Category.TRAFFIC,
        now=WEDNESDAY_9AM,
    )

    need.refresh_from_db()
    assert summons.need == need and summons.title == "小区门口道路破损需修复"
    assert need.status == Need.Status.WITHDRAWN
    assert need.history.count() == history_before + 1
    latest = need.history.first()
    assert latest.status == Need.Status.WITHDRAWN and str(summons.pk) in latest.status_reason
    assert latest.history_user == world["street_secretary"]
    assert summons.history.count() == 1


def test_a_need_becomes_a_summons_once_and_only_by_its_manager(world, publish):
    need = publish(Need, world["beixinqiao"], owner_committee=True)

    with pytest.raises(PermissionDenied):
        service.summons_from_need(
            need=need,
            by=world["other_street_secretary"],
            departments=[world["traffic"]],
            category=Summons.Category.OTHER,
        )
    need.refresh_from_db()
    assert need.status == Need.Status.PUBLISHED and not Summons.objects.exists()

    service.summons_from_need(
        need=need,
        by=world["street_secretary"],
        departments=[world["traffic"]],
        category=Summons.Category.OTHER,
    )
    with pytest.raises(InvalidTransition):
        service.summons_from_need(
            need=need,
            by=world["street_secretary"],
            departments=[world["traffic"]],
            category=Summons.Category.OTHER,
        )
    assert Summons.objects.count() == 1


# --- Handling, closing and rating -------------------------------------------------------------------------------


def test_handling_records_keep_the_reencoded_photo(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    part = part_of(raise_urgent(world), world["traffic"])
    service.report(part=part, by=world["traffic_duty"], attendee_name="王队长")
    upload = SimpleUploadedFile("现场.jpg", jpeg(), content_type="image/jpeg")

    record = service.record_handling(
        part=part, by=world["traffic_duty"], text="已抽排积水，恢复通行", photo=upload
    )

    assert SummonsRecord.objects.get() == record
    assert record.photo.name.endswith(".jpg") and "现场" not in record.photo.name


def test_closing_rates_each_department_and_keeps_history(world):
    summons = raise_urgent(world)
    traffic, chengguan = part_of(summons, world["traffic"]), part_of(summons, world["chengguan"])
    service.report(part=traffic, by=world["traffic_duty"], attendee_name="王队长", now=WEDNESDAY_9AM)
    service.finish_part(part=traffic, by=world["traffic_duty"], done=True, now=WEDNESDAY_9AM)

    closed = service.close_summons(
        summons=summons,
        by=world["street_secretary"],
        resolved=True,
        note="积水已排除",
        ratings={traffic.pk: (5, 5, 4), chengguan.pk: (1, 2, 1)},
        now=WEDNESDAY_9AM + datetime.timedelta(hours=5),
    )

    traffic.refresh_from_db()
    chengguan.refresh_from_db()
    assert closed.status == Summons.Status.RESOLVED and closed.closed_by == world["street_secretary"]
    assert (traffic.timeliness, traffic.attitude, traffic.result, traffic.rating_mean) == (5, 5, 4, 4.67)
    assert (chengguan.timeliness, chengguan.attitude, chengguan.result) == (1, 2, 1)
    assert [h.status for h in closed.history.all()] == [Summons.Status.RESOLVED, Summons.Status.OPEN]
    with pytest.raises(InvalidTransition):
        service.close_summons(summons=summons, by=world["street_secretary"], resolved=False)


def test_ratings_out_of_range_or_of_another_summons_are_refused(world):
    summons = raise_urgent(world)
    other = raise_urgent(world)
    part = part_of(summons, world["traffic"])

    with pytest.raises(ValidationError):
        service.close_summons(
            summons=summons, by=world["street_secretary"], resolved=True, ratings={part.pk: (6, 5, 5)}
        )
    with pytest.raises(ValidationError):
        service.close_summons(
            summons=summons,
            by=world["street_secretary"],
            resolved=True,
            ratings={part_of(other, world["traffic"]).pk: (5, 5, 5)},
        )
    summons.refresh_from_db()
    assert summons.is_open


def test_a_new_duty_seat_shows_in_the_scope(world):
    person = world["police_duty"]
    assert scoping.scope_of(person).department_ids == {world["police"].pk}
    DutySeatFactory(department=world["traffic"], user=person)
    forget_scope(person)
    assert scoping.scope_of(person).department_ids == {world["police"].pk, world["traffic"].pk}
    assert scoping.scope_of(world["street_secretary"]).department_ids == frozenset()
    assert Category.objects.exists()  # the seeded categories are there for the need fixtures
    assert timezone.is_aware(WEDNESDAY_9AM)
