"""The whole pipeline in a real browser: the secretary runs matching, both liaisons accept, the secretary records
a meeting decision, and the project appears in both units' project lists."""

import pytest
from django.utils import timezone

from committees import services
from committees.models import Category, Need, Resource
from matching.models import Meeting, Proposal, RulesOfProcedure
from tests.browser.helpers import log_in
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MembershipFactory,
    MemberUnitFactory,
    SeatFactory,
    StreetFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    street = StreetFactory(
        parent=DistrictFactory(area_code="110101", name="东城区"), area_code="110101005", name="北新桥街道"
    )
    minan = CommunityFactory(parent=street, area_code="110101005001", name="民安社区")
    jiudaowan = CommunityFactory(parent=street, area_code="110101005002", name="九道湾社区")
    school = MembershipFactory(committee=minan, unit=MemberUnitFactory(name="府学胡同小学")).unit
    canteen = MembershipFactory(committee=jiudaowan, unit=MemberUnitFactory(name="九道湾社区食堂")).unit
    SeatFactory(committee=minan, role="liaison", unit=school, user=UserFactory(username="need_liaison"))
    SeatFactory(
        committee=jiudaowan, role="liaison", unit=canteen, user=UserFactory(username="provider_liaison")
    )
    secretary = SeatFactory(committee=street, role="secretary", user=UserFactory(username="secretary")).user
    RulesOfProcedure.objects.create(committee=street, approval="meeting")
    Meeting.objects.create(
        committee=street,
        kind="plenary",
        title="2027年第一次全体会议",
        held_on=timezone.localdate(),
        place="北新桥街道党群服务中心",
    )
    for model, unit, committee, title in (
        (Need, school, minan, "学生午餐助餐"),
        (Resource, canteen, jiudaowan, "社区食堂助餐"),
    ):
        record = services.create_record(
            model,
            by=secretary,
            owner_unit=unit,
            committee=committee,
            category=Category.objects.get(code="care"),
            title=title,
            quantity=20,
            measure="people",
            contact_name="张三",
            contact_phone="13812345678",
        )
        services.publish_record(record, by=secretary)
    return {"street": street}


def test_from_matching_to_a_project_through_a_meeting_decision(browser, live_server, world, shot):
    base = live_server.url
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    log_in(desk, base, "secretary", path="/admin/login/")

    # 立即匹配
    desk.goto(base + "/admin/matching/matchingrun/add/")
    desk.select_option("#id_committee", label="北新桥街道")
    desk.click("input[name=_save]")
    desk.wait_for_selector("text=匹配已开始")
    shot(desk, "flow-01-run")
    assert Proposal.objects.count() == 1

    # Both liaisons accept on their phones.
    for username in ("need_liaison", "provider_liaison"):
        phone = browser.new_context(viewport={"width": 414, "height": 896}, locale="zh-CN").new_page()
        log_in(phone, base, username)
        phone.click("a.button:has-text('答复')")
        phone.check("input[name=accept][value=yes]")
        phone.click("button:has-text('提交答复')")
        phone.wait_for_selector("text=您的答复已记录")
        phone.context.close()
    assert Proposal.objects.get().status == "accepted"

    # The plenary puts the topic on its agenda and approves it.
    desk.goto(base + "/admin/matching/meeting/")
    desk.click("text=2027年第一次全体会议")
    row = desk.locator("#agenda-0")
    row.locator(".select2-selection").click()
    desk.fill(".select2-search__field", "助餐")
    desk.click(".select2-results__option >> text=学生午餐助餐")
    row.locator("select[name=agenda-0-decision]").select_option("approved")
    desk.check("#id_is_held")
    shot(desk, "flow-02-meeting")
    desk.click("input[name=_save]")
    desk.wait_for_selector(".messagelist")
    assert Proposal.objects.get().status == "confirmed"

    # Both units see the project.
    for username in ("need_liaison", "provider_liaison"):
        phone = browser.new_context(viewport={"width": 414, "height": 896}, locale="zh-CN").new_page()
        log_in(phone, base, username)
        phone.wait_for_selector("text=本单位项目")
        assert "学生午餐助餐 · 社区食堂助餐" in phone.content()
        shot(phone, f"flow-03-project-{username}")
        phone.context.close()
    desk.context.close()
