"""吹哨报到 in a real browser at phone size (issue 15's acceptance): a street secretary raises an urgent summons to
two departments in the admin; one department's person on duty reports from a phone within the deadline and
records the result with a photo; the other misses the deadline, is reminded and escalated by the scheduled job;
the secretary closes and rates both; the published results show both departments with their rates."""

import datetime

import pytest
from django.utils import timezone

from committees.models import DutySeat, Notification, Seat
from matching import summons as service
from matching.models import Summons, SummonsPart
from matching.outcomes import figures, periods, results
from tests import images
from tests.browser.helpers import log_in
from tests.factories import (
    DepartmentFactory,
    DistrictFactory,
    DutySeatFactory,
    SeatFactory,
    StreetFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 414, "height": 896}, "locale": "zh-CN"}
A_YEAR = datetime.timedelta(days=365)


@pytest.fixture
def world(db):
    dongcheng = DistrictFactory(area_code="110101", name="东城区")
    street = StreetFactory(parent=dongcheng, area_code="110101005", name="北新桥街道")
    traffic = DepartmentFactory(name="东城区交通委员会", district=dongcheng, streets=[street])
    chengguan = DepartmentFactory(
        name="北新桥城管执法队", kind="station", district=dongcheng, streets=[street]
    )
    people = {
        "secretary": SeatFactory(
            committee=street, role=Seat.Role.SECRETARY, user=UserFactory(username="bxq")
        ).user,
        "district": SeatFactory(committee=dongcheng, role=Seat.Role.SECRETARY).user,
        "traffic_duty": DutySeatFactory(
            department=traffic, user=UserFactory(username="dept_traffic", name="马振华")
        ).user,
        "leader": DutySeatFactory(department=traffic, role=DutySeat.Role.LEADER).user,
        "chengguan_duty": DutySeatFactory(
            department=chengguan, user=UserFactory(username="dept_chengguan")
        ).user,
        "chengguan_leader": DutySeatFactory(department=chengguan, role=DutySeat.Role.LEADER).user,
    }
    return {"street": street, "traffic": traffic, "chengguan": chengguan, **people}


@pytest.fixture
def open_page(browser):
    contexts = []

    def make():
        contexts.append(browser.new_context(**PHONE))
        contexts[-1].set_default_timeout(15_000)
        return contexts[-1].new_page()

    yield make
    for context in contexts:
        context.close()


def move_into_last_year(summons: Summons) -> None:
    """The nightly figures and the published results count ended periods: the story moves a year back."""
    Summons.objects.filter(pk=summons.pk).update(
        raised_at=summons.raised_at - A_YEAR,
        report_due_at=summons.report_due_at - A_YEAR,
        resolve_due_at=summons.resolve_due_at - A_YEAR,
        closed_at=summons.closed_at - A_YEAR,
    )
    for part in SummonsPart.objects.filter(summons=summons):
        for field in ("reported_at", "finished_at", "rated_at", "reminded_at", "escalated_at"):
            if getattr(part, field):
                setattr(part, field, getattr(part, field) - A_YEAR)
        part.save()


def test_a_street_summons_two_departments_one_reports_one_is_escalated_and_both_are_rated(
    open_page, live_server, world, shot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    problems = []

    # The street's secretary raises an urgent summons to both departments, from the admin on a phone.
    desk = open_page()
    desk.on("pageerror", lambda error: problems.append(str(error)))
    log_in(desk, base, "bxq", path="/admin/login/")
    desk.goto(f"{base}/admin/matching/summons/add/")
    desk.select_option("#id_committee", label="北新桥街道")
    desk.fill("#id_title", "北新桥三条路口积水，车辆无法通行")
    desk.fill("#id_place", "北新桥三条东口")
    desk.select_option("#id_category", "emergency")
    desk.select_option("#id_urgency", "urgent")
    desk.get_by_label("东城区交通委员会").check()
    desk.get_by_label("北新桥城管执法队").check()
    shot(desk, "summons-raise-secretary")
    desk.locator("input[name=_save]").click()
    desk.wait_for_selector(".messagelist")
    summons = Summons.objects.get()
    assert summons.urgency == "urgent" and summons.parts.count() == 2
    assert summons.report_due_at - summons.raised_at == datetime.timedelta(hours=2)

    # 交通委's person on duty lands on the open summons with the countdown, reports and records the result.
    phone = open_page()
    phone.on("pageerror", lambda error: problems.append(str(error)))
    log_in(phone, base, "dept_traffic")
    phone.wait_for_url(f"{base}/summons/")
    item = phone.locator("#open-summons li").first
    assert "北新桥三条路口积水" in item.inner_text() and "剩余 1 小时" in item.inner_text()
    shot(phone, "summons-department-home")
    item.locator("a").first.click()
    phone.fill("#id_attendee_name", "马振华")
    phone.fill("#id_attendee_phone", "13900001111")
    phone.get_by_role("button", name="立即报到").click()
    phone.wait_for_selector("text=已报到，办理中")
    phone.fill("#id_text", "已到现场抽排积水，设置临时交通疏导，路口恢复通行。")
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(images.jpeg(size=(64, 48)))
    phone.set_input_files("#id_photo", str(photo))
    phone.get_by_role("button", name="保存记录").click()
    phone.wait_for_selector("img.photo")
    phone.locator("input[name=outcome][value=done]").check()
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_selector("#part-status:has-text('已完成')")
    shot(phone, "summons-department-reported")
    traffic = SummonsPart.objects.get(summons=summons, department=world["traffic"])
    assert traffic.status == "done" and traffic.reported_on_time and traffic.records.get().photo

    # 城管执法队 does not report: the scheduled job reminds it at the deadline, then escalates it once.
    chengguan = SummonsPart.objects.get(summons=summons, department=world["chengguan"])
    assert service.chase(now=summons.report_due_at) == (1, 0)
    assert service.chase(now=summons.report_due_at + datetime.timedelta(hours=1)) == (0, 1)
    assert service.chase(now=summons.report_due_at + datetime.timedelta(hours=5)) == (0, 0)
    chengguan.refresh_from_db()
    assert chengguan.status == "summoned" and chengguan.reminded_at and chengguan.escalated_at
    assert (
        Notification.objects.filter(
            user=world["chengguan_leader"], message__contains="北新桥城管执法队"
        ).count()
        == 1
    )
    assert (
        Notification.objects.filter(user=world["district"], message__contains="北新桥城管执法队").count() == 1
    )
    assert not Notification.objects.filter(user=world["leader"]).exists()  # 交通委 reported in time

    # The secretary closes the matter as resolved and rates both departments.
    desk.goto(f"{base}/admin/matching/summons/{summons.pk}/change/")
    desk.select_option("#id_close_as", "resolved")
    desk.fill("#id_closing_note", "积水已排除，交通恢复。城管执法队未按时报到。")
    for name, scores in (("东城区交通委员会", ("5", "5", "5")), ("北新桥城管执法队", ("1", "2", "2"))):
        row = desk.locator("tr.form-row", has_text=name)
        for field, score in zip(("timeliness", "attitude", "result"), scores, strict=True):
            row.locator(f"select[name$='-{field}']").select_option(score)
    shot(desk, "summons-close-and-rate")
    desk.locator("input[name=_save]").click()
    desk.wait_for_selector(".messagelist")
    summons.refresh_from_db()
    assert summons.status == "resolved"
    assert sorted(summons.parts.values_list("department__name", "timeliness", "attitude", "result")) == [
        ("东城区交通委员会", 5, 5, 5),
        ("北新桥城管执法队", 1, 2, 2),
    ]

    # The nightly pass over last year, the street publishes it, and the results show both departments' rates.
    move_into_last_year(summons)
    year = periods.parse(str(timezone.localdate().year - 1))
    figures.compute([year])
    results.publish(committee=world["street"], period=year, by=world["secretary"])
    desk.goto(f"{base}/results/{world['street'].pk}/{year.key}/")
    rows = [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in desk.locator("#departments table tbody tr").all()
    ]
    # Rank, department, received, reported on time %, handled %, satisfied %, median hours to report, to handle.
    assert [row[:6] for row in rows] == [
        ["1", "东城区交通委员会", "1", "100.0", "100.0", "100.0"],
        ["2", "北新桥城管执法队", "1", "0.0", "0.0", "0.0"],
    ], rows
    desk.locator("#departments").scroll_into_view_if_needed()
    shot(desk, "summons-results-departments")
    assert problems == []
