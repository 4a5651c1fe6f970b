"""Issue 17 in a real browser at phone size: a resident opens the community's link (the QR code's), raises a need
and follows it by the private link; the community's secretary accepts it in the admin; once the project serving
it is completed, the resident rates it with the community's code and the public page shows the new rate."""

import pytest

from committees import services
from committees.models import Category, Resource, Submission
from matching.models import Answer, Decision, Proposal
from matching.outcomes import projects, residents
from matching.pipeline import confirm
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

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN"}
DESK = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}


@pytest.fixture
def open_page(browser):
    contexts = []

    def make(options):
        contexts.append(browser.new_context(**options))
        contexts[-1].set_default_timeout(10_000)
        return contexts[-1].new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def world():
    street = StreetFactory(
        parent=DistrictFactory(area_code="110101", name="东城区"), area_code="110101005", name="北新桥街道"
    )
    minan = CommunityFactory(parent=street, area_code="110101005001", name="民安社区")
    company = MembershipFactory(
        committee=street, unit=MemberUnitFactory(name="北京电力公司东城供电公司")
    ).unit
    secretary = SeatFactory(
        committee=minan, role="secretary", user=UserFactory(username="minan_secretary")
    ).user
    provider = SeatFactory(
        committee=street, role="liaison", unit=company, user=UserFactory(username="power")
    ).user
    resource = services.create_record(
        Resource,
        by=provider,
        owner_unit=company,
        committee=street,
        category=Category.objects.get(code="safety"),
        title="电工志愿者上门维修照明",
        quantity=5,
        measure="sessions",
        contact_name="赵电工",
        contact_phone="13822223333",
    )
    return {
        "minan": minan,
        "street": street,
        "secretary": secretary,
        "provider": provider,
        "company": company,
        "resource": services.publish_record(resource, by=provider),
    }


def test_a_resident_raises_follows_and_rates_and_the_notice_shows_it(open_page, live_server, world, shot):
    base, minan = live_server.url, world["minan"]
    resident = open_page(PHONE)

    # 1. The resident scans the poster's QR code: the community's intake page.
    resident.goto(f"{base}/residents/{minan.area_code}/")
    resident.fill("#id_text", "5号楼楼道灯坏了一个多月，晚上老人上下楼看不见，希望尽快修好。")
    resident.fill("#id_place", "民安小区5号楼")
    resident.fill("#id_name", "王大妈")
    resident.fill("#id_phone", "13601010001")
    resident.fill("#id_captcha_1", "PASSED")  # django-simple-captcha's test mode (test settings only)
    shot(resident, "residents-1-intake-phone")
    resident.get_by_role("button", name="提交").click()
    resident.wait_for_selector("text=已收到，社区将尽快处理")
    follow_up = resident.url
    assert "/residents/follow/" in follow_up
    assert "13601010001" not in resident.content() and "楼道灯" not in resident.content()
    shot(resident, "residents-2-follow-up-received")

    # 2. The community's secretary accepts it onto the needs list.
    desk = open_page(DESK)
    log_in(desk, base, "minan_secretary", path="/admin/login/")
    submission = Submission.objects.get()
    desk.goto(f"{base}/admin/committees/submission/{submission.pk}/change/")
    desk.select_option("#id_category", label="平安应急")
    desk.fill("#id_title", "修复5号楼楼道灯")
    shot(desk, "residents-3-secretary-inbox")
    desk.click("#accept-form input[type=submit]")
    desk.wait_for_selector("text=该诉求已处理。")
    submission.refresh_from_db()
    need = submission.need
    assert (need.source, need.status) == ("resident", "published")

    resident.goto(follow_up)
    resident.wait_for_selector("text=已列入社区需求清单")
    shot(resident, "residents-4-follow-up-on-the-list")

    # 3. The street matches it with the power company's electricians; the project is done.
    proposal = Proposal.objects.create(
        need=need,
        resource=world["resource"],
        provider_unit=world["company"],
        committee=world["street"],
        quantity=1,
        need_side=Answer.ACCEPTED,
        provider_side=Answer.ACCEPTED,
        committee_decision=Decision.APPROVED,
        status=Proposal.Status.APPROVED,
    )
    project = projects.complete_project(project=confirm.confirm(proposal.pk), by=world["provider"])
    code = residents.issue_rating_code(project=project, by=world["secretary"]).code
    resident.goto(follow_up)
    resident.wait_for_selector("text=已办结")
    shot(resident, "residents-5-follow-up-done")

    # 4. The resident rates it with the code the community handed out; the public page shows the new rate.
    resident.goto(f"{base}/notice/{minan.area_code}/")
    resident.get_by_role("link", name="评价该项目").click()
    resident.fill("#id_code", code)
    resident.fill("#id_phone", "13601010001")
    resident.check("input[name=score][value='5']")
    resident.fill("#id_comment", "电工师傅第二天就来了")
    shot(resident, "residents-6-rate-phone")
    resident.get_by_role("button", name="提交评价").click()
    resident.wait_for_selector("text=谢谢，您的评价已记录。")
    resident.goto(f"{base}/notice/{minan.area_code}/")
    rate = resident.locator(f"[data-project='{project.pk}'] .resident-rate")
    assert "5.0" in rate.inner_text() and "1 人评价" in rate.inner_text()
    assert "13601010001" not in resident.content() and "王大妈" not in resident.content()
    shot(resident, "residents-7-notice-with-rate")
