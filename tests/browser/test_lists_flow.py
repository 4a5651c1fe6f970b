"""A liaison's day with the lists, in a real browser; then the secretary sees it all in the admin."""

import datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from committees import services
from committees.models import Category, Claim, CollectionRequest, Need, Resource
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
    community = CommunityFactory(parent=street, area_code="110101005001", name="民安社区")
    school = MembershipFactory(committee=community, unit=MemberUnitFactory(name="府学胡同小学")).unit
    pharmacy = MembershipFactory(committee=community, unit=MemberUnitFactory(name="民安药房")).unit
    SeatFactory(committee=community, role="liaison", unit=school, user=UserFactory(username="liaison"))
    pharmacy_liaison = SeatFactory(committee=community, role="liaison", unit=pharmacy).user
    secretary = SeatFactory(
        committee=street, role="secretary", user=UserFactory(username="secretary", name="李秀英")
    ).user
    round_ = services.open_collection_round(
        committee=community,
        by=secretary,
        title="2027年度需求资源征集",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    others_need = services.publish_record(
        services.create_record(
            Need,
            by=pharmacy_liaison,
            owner_unit=pharmacy,
            committee=community,
            category=Category.objects.get(code="health"),
            title="药房夜间值守志愿者",
            quantity=4,
            measure="people",
            contact_name="王芳",
            contact_phone="13700001111",
        ),
        by=pharmacy_liaison,
    )
    return {"community": community, "school": school, "round": round_, "others_need": others_need}


def test_a_liaison_publishes_answers_claims_and_the_secretary_sees_it(page, live_server, world, shot):
    base = live_server.url
    log_in(page, base, "liaison")
    page.wait_for_selector("text=我的工作台")
    assert "2027年度需求资源征集" in page.content()
    shot(page, "lists-01-dashboard")

    # Answer the round with a need, published at once.
    page.click("text=2027年度需求资源征集")
    page.click("a:has-text('登记需求')")
    page.select_option("#id_category", label="养老托育")
    page.fill("#id_title", "独居老人助餐")
    page.fill("#id_description", "为社区独居老人每日送午餐")
    page.fill("#id_quantity", "12")
    page.select_option("#id_measure", label="人")
    page.fill("#id_contact_name", "张秀兰")
    page.fill("#id_contact_phone", "13812345678")
    shot(page, "lists-02-need-form")
    page.click("button[name=publish]")
    page.wait_for_selector("text=已发布：独居老人助餐")
    shot(page, "lists-03-need-published")

    # Register a resource from the resources page, publish it.
    page.click("nav.tabs >> text=本单位资源")
    page.click("a:has-text('登记资源')")
    page.select_option("#id_category", label="阵地场地")
    page.fill("#id_title", "学校操场周末开放")
    page.fill("#id_quantity", "8")
    page.select_option("#id_measure", label="场次")
    page.fill("#id_contact_name", "李老师")
    page.fill("#id_contact_phone", "13811112222")
    page.click("button[name=publish]")
    page.wait_for_load_state()
    shot(page, "lists-03b-resource-saved")
    page.wait_for_selector("text=已发布：学校操场周末开放")

    # Claim the pharmacy's need from the claim hall.
    page.click("nav.tabs >> text=领办大厅")
    page.click("text=药房夜间值守志愿者")
    page.click("text=认领该需求")
    page.fill("#id_note", "学校教师志愿者轮值")
    page.click("button:has-text('认领')")
    page.wait_for_selector("text=贵单位已认领该需求")
    shot(page, "lists-04-claimed")

    need = Need.objects.get(title="独居老人助餐")
    assert need.status == "published" and need.collection_request is not None
    assert Resource.objects.get(title="学校操场周末开放").status == "published"
    assert Claim.objects.get().need == world["others_need"]
    assert CollectionRequest.objects.get(round=world["round"], unit=world["school"]).answered_at is not None

    # The secretary sees all of it in the admin.
    secretary_page = page.context.browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN"
    ).new_page()
    log_in(secretary_page, base, "secretary", path="/admin/login/")
    secretary_page.goto(base + "/admin/committees/need/")
    assert "独居老人助餐" in secretary_page.content() and "药房夜间值守志愿者" in secretary_page.content()
    shot(secretary_page, "lists-05-admin-needs")
    # The ledger: select every row, export, and read the file back.
    secretary_page.check("#action-toggle")
    secretary_page.select_option("select[name=action]", "export_ledger")
    with secretary_page.expect_download() as download_info:
        secretary_page.click("button[name=index]")
    download = download_info.value
    assert download.suggested_filename.startswith("需求清单台账") and download.suggested_filename.endswith(
        ".xlsx"
    )
    with open(download.path(), "rb") as ledger:
        sheet = load_workbook(ledger).active
    titles = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert titles >= {"独居老人助餐", "药房夜间值守志愿者"}
    secretary_page.goto(base + "/admin/committees/resource/")
    assert "学校操场周末开放" in secretary_page.content()
    secretary_page.goto(base + "/admin/committees/claim/")
    assert "学校教师志愿者轮值" in secretary_page.content()
    secretary_page.goto(base + "/admin/committees/collectionround/")
    assert "1/2 (50%)" in secretary_page.content()
    shot(secretary_page, "lists-06-admin-round")
    secretary_page.context.close()
