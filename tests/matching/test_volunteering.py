"""双报到: the gate (who sees which members, tasks and hours), sign-ups and their capacity, hours only after
confirmation, commitments as resources, and members' personal data masked."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from committees import masking, scoping, services
from committees.models import Category, MemberReport, Need, Notification, OrganisationReport, Resource
from config.exceptions import InvalidTransition
from matching import scoping as mscoping
from matching import volunteering
from matching.models import SignUp
from tests.matching.volunteering_setup import build, tomorrow


@pytest.fixture
def world(area):
    return build(area)


def task_in(community, by, **fields):
    values = {
        "title": "清理楼道杂物",
        "place": "北新桥三条8号院",
        "starts_at": tomorrow(9),
        "ends_at": tomorrow(12),
        "people_wanted": 2,
        **fields,
    }
    return volunteering.publish_task(by=by, community=community, **values)


def test_registration_waits_for_the_secretary_then_opens_the_tasks(area, world):
    newcomer = services.register_member_account(
        username="liu",
        password="Dangjian@2026",
        community=area["minan"],
        name="刘洋",
        phone="13700000000",
        unit=None,
        unit_name="某科技公司",
    )
    task = task_in(area["minan"], world["sec_minan"])
    assert newcomer.status == MemberReport.Status.PENDING
    assert not mscoping.tasks_for(newcomer.user).exists()  # not confirmed yet
    assert Notification.objects.filter(user=world["sec_minan"], done_at__isnull=True).count() == 1
    with pytest.raises(PermissionDenied):
        services.confirm_member(by=world["sec_zhao"], report=newcomer)  # another community's secretary
    services.confirm_member(by=world["sec_minan"], report=newcomer)
    scoping.forget_scope(newcomer.user)
    assert list(mscoping.tasks_for(newcomer.user)) == [task]
    assert Notification.objects.filter(user=world["sec_minan"], done_at__isnull=True).count() == 0


def test_one_live_report_a_person_and_a_unit_is_named(area, world):
    with pytest.raises(ValidationError):
        services.register_member(
            by=world["wang"], community=area["jiudaowan"], name="王建国", phone="13812345678"
        )
    with pytest.raises(ValidationError):
        services.register_member_account(
            username="x1", password="p-12345678", community=area["minan"], name="某", phone="13812345678"
        )


def test_a_member_sees_only_their_community_tasks(area, world):
    minan = task_in(area["minan"], world["sec_minan"])
    zhao = task_in(area["zhaojialou"], world["sec_zhao"])
    jiudaowan = task_in(area["jiudaowan"], world["sec_street"])
    assert list(mscoping.tasks_for(world["wang"])) == [minan]
    assert list(mscoping.tasks_for(world["zhao"])) == [zhao]
    with pytest.raises(PermissionDenied):
        volunteering.sign_up(by=world["wang"], task=zhao)
    with pytest.raises(PermissionDenied):
        volunteering.sign_up(by=world["wang"], task=jiudaowan)
    # widened to the street: 民安's members see 九道湾's task too, 赵家楼's (another street) do not
    volunteering.mobilise(by=world["sec_street"], task=jiudaowan, street_wide=True)
    assert set(mscoping.tasks_for(world["wang"])) == {minan, jiudaowan}
    assert list(mscoping.tasks_for(world["zhao"])) == [zhao]


def test_another_communitys_secretary_cannot_publish_check_in_or_confirm(area, world):
    with pytest.raises(PermissionDenied):
        task_in(area["minan"], world["sec_zhao"])
    task = task_in(area["minan"], world["sec_minan"])
    entry = volunteering.sign_up(by=world["wang"], task=task)
    assert not mscoping.tasks_for(world["sec_zhao"]).filter(pk=task.pk).exists()
    assert not mscoping.sign_ups_for(world["sec_zhao"]).filter(pk=entry.pk).exists()
    with pytest.raises(PermissionDenied):
        volunteering.check_in(by=world["sec_zhao"], sign_up=entry)
    assert not scoping.member_reports_for(world["sec_zhao"]).filter(pk=world["wang_report"].pk).exists()
    entry.refresh_from_db()
    assert entry.status == SignUp.Status.SIGNED_UP


def test_capacity_and_one_sign_up_each(area, world):
    task = task_in(area["minan"], world["sec_minan"], people_wanted=1)
    volunteering.sign_up(by=world["wang"], task=task)
    with pytest.raises(InvalidTransition):
        volunteering.sign_up(by=world["wang"], task=task)
    with pytest.raises(volunteering.TaskFull):
        volunteering.sign_up(by=world["zhang"], task=task)
    task.refresh_from_db()
    assert task.signed_up_count == 1 and task.filled_at is not None


def test_cancelling_opens_the_place_again(area, world):
    task = task_in(area["minan"], world["sec_minan"], people_wanted=1)
    entry = volunteering.sign_up(by=world["wang"], task=task)
    with pytest.raises(PermissionDenied):
        volunteering.cancel_sign_up(by=world["zhang"], sign_up=entry)
    volunteering.cancel_sign_up(by=world["wang"], sign_up=entry)
    volunteering.sign_up(by=world["zhang"], task=task)
    task.refresh_from_db()
    assert task.signed_up_count == 1


def test_hours_count_only_after_confirmation(area, world, monkeypatch):
    task = task_in(area["minan"], world["sec_minan"])
    entry = volunteering.sign_up(by=world["wang"], task=task)
    with pytest.raises(InvalidTransition):  # check-in opens an hour before the start
        volunteering.check_in(by=world["sec_minan"], sign_up=entry)
    at_the_start = tomorrow(9)
    monkeypatch.setattr(timezone, "now", lambda: at_the_start)
    with pytest.raises(InvalidTransition):  # not checked in: no hours
        volunteering.confirm_hours(by=world["sec_minan"], sign_up=entry)
    entry = volunteering.check_in(by=world["sec_minan"], sign_up=entry)
    assert entry.hours is None
    assert not SignUp.objects.filter(hours__isnull=False).exists()
    with pytest.raises(ValidationError):
        volunteering.confirm_hours(by=world["sec_minan"], sign_up=entry, hours="30")
    with pytest.raises(PermissionDenied):
        volunteering.confirm_hours(by=world["liaison"], sign_up=entry)
    entry = volunteering.confirm_hours(by=world["sec_minan"], sign_up=entry)
    assert entry.hours == Decimal("3.0")  # the task's length
    with pytest.raises(InvalidTransition):
        volunteering.confirm_hours(by=world["sec_minan"], sign_up=entry, hours=5)


def test_the_units_liaison_sees_its_members_hours_but_no_address(area, world):
    task = task_in(area["minan"], world["sec_minan"])
    mine = volunteering.sign_up(by=world["wang"], task=task)
    other = volunteering.sign_up(by=world["zhang"], task=task)  # 张 names no member unit
    liaison = world["liaison"]
    assert set(mscoping.sign_ups_for(liaison)) == {mine}
    assert other not in mscoping.sign_ups_for(liaison)
    reports = masking.mask_member_reports(liaison, scoping.member_reports_for(liaison))
    # the unit's members wherever they live (赵明 in 赵家楼 too), not 张 who works elsewhere; never an address
    assert sorted(r.name for r in reports) == ["王建国", "赵明"]
    assert all(r.phone == "13812345678" and r.address == "****" for r in reports)
    assert not mscoping.tasks_to_manage(liaison).exists()


def test_masking_of_members_for_others(area, world, overseer_of):
    overseer = overseer_of(area["dongcheng"])
    shown = masking.mask_member_reports(overseer, MemberReport.objects.filter(pk=world["wang_report"].pk))[0]
    assert (shown.name, shown.phone, shown.address) == ("王**", "138****5678", "****")
    full = masking.mask_member_reports(
        world["sec_minan"], MemberReport.objects.filter(pk=world["wang_report"].pk)
    )
    assert full[0].address == "东城区北新桥三条8号院2-301"
    own = masking.mask_member_reports(world["wang"], MemberReport.objects.filter(pk=world["wang_report"].pk))
    assert own[0].is_masked is False
    assert not scoping.member_reports_for(world["zhao"]).filter(pk=world["wang_report"].pk).exists()


def test_mobilisation_reaches_members_with_the_skill_and_resolves_when_full(area, world):
    task = task_in(
        area["minan"], world["sec_minan"], title="防汛值守", skill="duty", urgent=True, people_wanted=1
    )
    asked = set(
        Notification.objects.filter(subject_id=task.pk, done_at__isnull=True).values_list("user", flat=True)
    )
    assert asked == {world["wang"].pk}  # 张 has no duty skill; 赵 is in another street
    count = volunteering.mobilise(by=world["sec_street"], task=task, street_wide=True)
    assert count == 1  # 赵 is under 建国门, not 北新桥
    volunteering.sign_up(by=world["wang"], task=task)
    assert not Notification.objects.filter(subject_id=task.pk, done_at__isnull=True).exists()


def test_commitments_become_resources(area, world):
    report = services.report_organisation(by=world["liaison"], unit=world["unit"], community=area["minan"])
    commitment = services.add_commitment(
        by=world["liaison"],
        report=report,
        category=Category.objects.get(code="health"),
        title="每季度一次义诊",
        quantity=4,
    )
    resource = Resource.objects.get(pk=commitment.resource_id)
    assert resource.owner_unit == world["unit"] and resource.status == Resource.Status.PUBLISHED
    assert resource.committee == area["minan"] and resource.quantity == 4
    assert scoping.resources_for(world["sec_minan"]).filter(pk=resource.pk).exists()
    with pytest.raises(ValidationError):
        services.report_organisation(by=world["liaison"], unit=world["unit"], community=area["minan"])
    with pytest.raises(PermissionDenied):
        services.report_organisation(
            by=world["liaison"],
            unit=world["unit"].__class__.objects.create(
                name="别的单位",
                credit_code="91110101MA00000017",
                kind="social",
                contact_name="某",
                contact_phone="13800000000",
            ),
            community=area["minan"],
        )
    assert OrganisationReport.objects.count() == 1


def test_street_secretary_sees_who_has_not_reported(area, world):
    from tests.factories import MembershipFactory

    late = MembershipFactory(committee=area["jiudaowan"]).unit
    elsewhere = MembershipFactory(committee=area["zhaojialou"]).unit
    services.report_organisation(by=world["liaison"], unit=world["unit"], community=area["minan"])
    year = timezone.localdate().year
    missing = set(scoping.unreported_units(world["sec_street"], year))
    assert late in missing and world["unit"] not in missing and elsewhere not in missing
    assert world["unit"] in set(scoping.unreported_units(world["sec_street"], year + 1))


def test_tasks_cannot_start_in_the_past_or_come_from_another_communitys_need(area, world):
    with pytest.raises(ValidationError):
        task_in(
            area["minan"],
            world["sec_minan"],
            starts_at=timezone.now() - datetime.timedelta(hours=1),
            ends_at=timezone.now() + datetime.timedelta(hours=1),
        )
    with pytest.raises(ValidationError):
        task_in(area["beixinqiao"], world["sec_street"])  # a street publishes no community task


def test_tomorrows_reminder_goes_once_to_each_signed_up_member(area, world):
    task = task_in(area["minan"], world["sec_minan"])
    volunteering.sign_up(by=world["wang"], task=task)
    assert volunteering.remind_tomorrows_tasks() == 1
    assert volunteering.remind_tomorrows_tasks() == 0  # a second run sends nothing
    note = Notification.objects.get(user=world["wang"], message__contains=task.title)
    assert task.title in note.message and note.url == f"/members/tasks/{task.pk}/"
    assert volunteering.remind_tomorrows_tasks(today=timezone.localdate() + datetime.timedelta(days=3)) == 0


def test_a_communitys_need_for_people_is_published_as_a_task(area, world, superuser):
    need = services.publish_record(
        services.create_record(
            Need,
            by=superuser,
            owner_committee=area["minan"],
            committee=area["minan"],
            category=Category.objects.get(code="care"),
            title="独居老人陪伴",
            quantity=3,
            measure="people",
            contact_name="张三",
            contact_phone="13812345678",
        ),
        by=superuser,
    )
    task = task_in(area["minan"], world["sec_minan"], need=need, title="独居老人陪伴")
    assert task.need == need and list(mscoping.tasks_for(world["wang"])) == [task]
    with pytest.raises(ValidationError):
        task_in(area["zhaojialou"], world["sec_zhao"], need=need)
