"""Issue 16 in a real browser at phone size: a party member registers with 民安社区 on their phone, the community's
secretary confirms the report, the member signs up for a task, is checked in, the secretary confirms the hours,
and the member's unit's liaison sees them (never the address). Screenshots in artifacts/screenshots/."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from committees.models import MemberReport, Seat
from matching import volunteering
from matching.models import SignUp
from tests.browser.helpers import log_in
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MembershipFactory,
    MemberUnitFactory,
    SeatFactory,
    StreetFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(db):
    district = DistrictFactory(area_code="110101", name="东城区")
    street = StreetFactory(parent=district, area_code="110101005", name="北新桥街道")
    minan = CommunityFactory(parent=street, area_code="110101005001", name="民安社区")
    unit = MemberUnitFactory(name="北京市东城区第一人民医院")
    MembershipFactory(unit=unit, committee=minan)
    secretary = SeatFactory(committee=minan, role=Seat.Role.SECRETARY, user__username="minan_secretary").user
    secretary.is_staff = False
    SeatFactory(committee=minan, role=Seat.Role.LIAISON, unit=unit, user__username="liaison_hospital")
    start = timezone.now() + datetime.timedelta(minutes=40)  # check-in opens an hour before the start
    task = volunteering.publish_task(
        by=secretary,
        community=minan,
        title="社区义诊志愿服务",
        place="民安社区卫生服务站",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        people_wanted=3,
        skill="medical",
    )
    return {"minan": minan, "unit": unit, "task": task}


def admin_action(page, base: str, path: str, action: str) -> None:
    page.goto(base + path)
    page.check("input.action-select")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def test_member_registers_signs_up_and_the_liaison_sees_the_hours(browser, live_server, world, shot):
    base = live_server.url
    phone = {"viewport": {"width": 414, "height": 896}, "locale": "zh-CN"}
    member = browser.new_context(**phone).new_page()
    member.goto(base + "/members/register/")
    member.fill("#id_username", "wang_jianjun")
    member.fill("#id_password", "Dangjian@2026")
    member.select_option("#id_community", str(world["minan"].pk))
    member.fill("#id_name", "王建军")
    member.fill("#id_phone", "13911112222")
    member.fill("#id_address", "北新桥三条8号院2-301")
    member.select_option("#id_unit", str(world["unit"].pk))
    member.check("input[name=skills][value=medical]")
    member.fill("#id_availability", "周末")
    shot(member, "reporting-1-register")
    member.click("main button[type=submit]")
    assert member.inner_text("#report-status") == "待确认"
    shot(member, "reporting-2-waiting")
    report = MemberReport.objects.get(name="王建军")

    secretary = browser.new_context(**phone).new_page()
    log_in(secretary, base, "minan_secretary")
    admin_action(secretary, base, "/admin/committees/memberreport/", "confirm_reports")
    shot(secretary, "reporting-3-secretary-confirmed")
    report.refresh_from_db()
    assert report.status == "confirmed"

    member.goto(base + "/members/tasks/")
    member.click("text=社区义诊志愿服务")
    member.click("button[name=sign_up]")
    expect(member.locator("#sign-up-status")).to_have_text("已报名")
    assert member.inner_text("#task-count").startswith("1 / 3")
    shot(member, "reporting-4-signed-up")

    secretary.goto(base + f"/admin/matching/communitytask/{world['task'].pk}/change/")
    secretary.wait_for_selector(".signups-live[data-full='0']")  # polled from live.json by signups_live.js
    assert secretary.inner_text(".signups-live") == "1/3"
    shot(secretary, "reporting-5-live-count")
    admin_action(secretary, base, "/admin/matching/signup/", "check_in_members")
    assert SignUp.objects.get().status == "checked_in"
    member.reload()
    assert member.inner_text("#sign-up-status") == "已签到"
    admin_action(secretary, base, "/admin/matching/signup/", "confirm_task_hours")
    entry = SignUp.objects.get()
    assert entry.status == "confirmed" and str(entry.hours) == "2.0"
    shot(secretary, "reporting-6-hours-confirmed")

    member.goto(base + "/members/hours/")
    assert member.inner_text("#hours-total") == "2.0"
    shot(member, "reporting-7-my-hours")

    liaison = browser.new_context(**phone).new_page()
    log_in(liaison, base, "liaison_hospital")
    liaison.goto(base + "/members/unit/")
    text = liaison.inner_text("main")
    assert "王建军" in text and "2.0" in text and "北新桥三条8号院" not in text
    shot(liaison, "reporting-8-liaison-sees-hours")
