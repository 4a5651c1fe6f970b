"""吹哨报到 on every surface: the department's phone pages, the secretary's admin (raise, close, rate, the overdue
panel), and the published results with the departments' ranking."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from matching import summons as service
from matching.models import Summons, SummonsPart
from matching.outcomes import figures, periods
from tests.factories import DepartmentFactory, DutySeatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(area, secretary_of):
    traffic = DepartmentFactory(name="区交通委", district=area["dongcheng"], streets=[area["beixinqiao"]])
    chengguan = DepartmentFactory(
        name="城管执法队", kind="station", district=area["dongcheng"], streets=[area["beixinqiao"]]
    )
    return {
        **area,
        "traffic": traffic,
        "chengguan": chengguan,
        "traffic_duty": DutySeatFactory(department=traffic).user,
        "chengguan_duty": DutySeatFactory(department=chengguan).user,
        "secretary": secretary_of(area["beixinqiao"]),
        "other_secretary": secretary_of(area["desheng"]),
        "district_secretary": secretary_of(area["dongcheng"]),
    }


def raise_urgent(world, departments=None):
    return service.raise_summons(
        by=world["secretary"],
        committee=world["beixinqiao"],
        departments=departments or [world["traffic"], world["chengguan"]],
        title="北新桥三条路口积水",
        place="北新桥三条东口",
        category=Summons.Category.EMERGENCY,
        urgency=Summons.Urgency.URGENT,
    )


def part_of(summons, department):
    return SummonsPart.objects.get(summons=summons, department=department)


# --- The department's pages -------------------------------------------------------------------------------------


def test_a_department_lands_on_its_open_summons_with_the_countdown(client, world):
    summons = raise_urgent(world)
    client.force_login(world["traffic_duty"])

    assert client.get(reverse("home")).url == reverse("summons_home")
    page = client.get(reverse("summons_home")).content.decode()

    assert summons.title in page and "剩余" in page and "报到截止" in page


def test_a_department_reports_records_and_finishes_from_its_page(client, world):
    summons = raise_urgent(world)
    part = part_of(summons, world["traffic"])
    url = reverse("summons_part", args=[part.pk])
    client.force_login(world["traffic_duty"])

    assert (
        client.post(url, {"action": "report", "attendee_name": "王队长", "attendee_phone": ""}).status_code
        == 302
    )
    assert client.post(url, {"action": "record", "text": "已抽排积水"}).status_code == 302
    assert client.post(url, {"action": "finish", "outcome": "done", "reason": ""}).status_code == 302

    part.refresh_from_db()
    assert part.status == SummonsPart.Status.DONE and part.attendee_name == "王队长"
    assert part.records.get().text == "已抽排积水"


def test_bad_input_on_the_department_page_is_a_chinese_form_error(client, world):
    part = part_of(raise_urgent(world), world["traffic"])
    client.force_login(world["traffic_duty"])

    response = client.post(reverse("summons_part", args=[part.pk]), {"action": "report", "attendee_name": ""})

    assert response.status_code == 400 and "该字段是必填项" in response.content.decode()
    part.refresh_from_db()
    assert part.status == SummonsPart.Status.SUMMONED


def test_another_department_or_street_gets_404_and_changes_nothing(client, world):
    part = part_of(raise_urgent(world), world["traffic"])
    url = reverse("summons_part", args=[part.pk])

    for intruder in (world["chengguan_duty"], world["other_secretary"]):
        client.force_login(intruder)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "report", "attendee_name": "冒名"}).status_code == 404
    part.refresh_from_db()
    assert part.status == SummonsPart.Status.SUMMONED


def test_the_secretary_reads_the_part_page_but_cannot_report(client, world):
    part = part_of(raise_urgent(world), world["traffic"])
    client.force_login(world["secretary"])
    url = reverse("summons_part", args=[part.pk])

    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "report", "attendee_name": "代报"}).status_code == 403
    part.refresh_from_db()
    assert part.status == SummonsPart.Status.SUMMONED


def test_the_department_home_runs_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world["traffic_duty"])
    raise_urgent(world)
    client.get(reverse("summons_home"))
    for _ in range(15):
        raise_urgent(world)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("summons_home")).status_code == 200


# --- The secretary's admin ---------------------------------------------------------------------------------------


def test_the_secretary_raises_a_summons_in_the_admin(client, world):
    client.force_login(world["secretary"])
    response = client.post(
        reverse("admin:matching_summons_add"),
        {
            "committee": world["beixinqiao"].pk,
            "title": "占道经营",
            "description": "",
            "place": "北新桥菜市场",
            "category": "city",
            "urgency": "urgent",
            "departments": [world["chengguan"].pk],
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    summons = Summons.objects.get()
    assert summons.raised_by == world["secretary"]
    assert [part.department for part in summons.parts.all()] == [world["chengguan"]]


def test_the_admin_refuses_a_department_not_covering_the_street(client, world, area):
    police = DepartmentFactory(name="德胜派出所", district=area["xicheng"], streets=[area["desheng"]])
    client.force_login(world["secretary"])
    response = client.post(
        reverse("admin:matching_summons_add"),
        {
            "committee": world["beixinqiao"].pk,
            "title": "占道经营",
            "place": "北新桥菜市场",
            "category": "city",
            "urgency": "urgent",
            "departments": [police.pk],
        },
    )
    assert response.status_code == 200 and not Summons.objects.exists()


def _close_form(summons, **ratings):
    parts = list(summons.parts.order_by("pk"))
    data = {
        "close_as": "resolved",
        "closing_note": "已解决",
        "parts-TOTAL_FORMS": str(len(parts)),
        "parts-INITIAL_FORMS": str(len(parts)),
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "1000",
    }
    for index, part in enumerate(parts):
        data[f"parts-{index}-id"] = str(part.pk)
        data[f"parts-{index}-summons"] = str(summons.pk)
        for field, score in zip(
            ("timeliness", "attitude", "result"), ratings.get(part.department.name, ()), strict=False
        ):
            data[f"parts-{index}-{field}"] = str(score)
    return data


def test_the_secretary_closes_and_rates_in_the_admin(client, world):
    summons = raise_urgent(world)
    client.force_login(world["secretary"])
    url = reverse("admin:matching_summons_change", args=[summons.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, _close_form(summons, 区交通委=(5, 4, 5), 城管执法队=(2, 2, 1)))

    assert response.status_code == 302, response.content.decode()[:3000]
    summons.refresh_from_db()
    assert summons.status == Summons.Status.RESOLVED and summons.closing_note == "已解决"
    traffic = part_of(summons, world["traffic"])
    assert (traffic.timeliness, traffic.attitude, traffic.result) == (5, 4, 5)


def test_another_streets_secretary_gets_404_in_the_admin_and_changes_nothing(client, world):
    summons = raise_urgent(world)
    client.force_login(world["other_secretary"])
    url = reverse("admin:matching_summons_change", args=[summons.pk])

    assert client.get(url).status_code in (302, 404)
    client.post(url, _close_form(summons, 区交通委=(1, 1, 1)))

    summons.refresh_from_db()
    assert summons.is_open and part_of(summons, world["traffic"]).timeliness is None


def test_overdue_summons_show_on_the_admin_home(client, world):
    summons = raise_urgent(world)
    client.force_login(world["secretary"])
    assert summons.title not in client.get(reverse("admin:index")).content.decode()
    with time_machine.travel(summons.report_due_at + datetime.timedelta(minutes=5), tick=False):
        client.force_login(world["secretary"])
        page = client.get(reverse("admin:index")).content.decode()
    assert summons.title in page and "逾期" in page


# --- The published results -----------------------------------------------------------------------------------


def test_the_results_show_the_departments_ranking_and_the_export_has_it(client, world):
    now = timezone.now()
    summons = raise_urgent(world)
    traffic, chengguan = part_of(summons, world["traffic"]), part_of(summons, world["chengguan"])
    service.report(part=traffic, by=world["traffic_duty"], attendee_name="王队长", now=now)
    service.close_summons(
        summons=summons,
        by=world["secretary"],
        resolved=True,
        ratings={traffic.pk: (5, 5, 5), chengguan.pk: (1, 1, 1)},
    )
    year = str(timezone.localdate().year)
    figures.compute_departments([periods.parse(year)])
    client.force_login(world["secretary"])

    page = client.get(reverse("results_page", args=[world["beixinqiao"].pk, year])).content.decode()
    assert "区交通委" in page and "城管执法队" in page and "100.0" in page

    response = client.get(reverse("results_export", args=[world["beixinqiao"].pk, year]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[-1]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[1:4] for row in rows] == [[1, "区交通委", 1], [2, "城管执法队", 1]]


def test_the_departments_ledger_lists_what_the_street_may_see(client, world, area):
    police = DepartmentFactory(name="德胜派出所", district=area["xicheng"], streets=[area["desheng"]])
    client.force_login(world["secretary"])
    response = client.post(
        reverse("admin:committees_department_changelist"),
        {
            "action": "export_ledger",
            "index": 0,
            "_selected_action": [world["traffic"].pk, world["chengguan"].pk, police.pk],
        },
    )
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert sorted(row[1] for row in rows) == ["区交通委", "城管执法队"]
    traffic = next(row for row in rows if row[1] == "区交通委")
    assert traffic[4] == "北新桥街道" and "专人" in traffic[8]


def test_the_secretary_raises_a_summons_from_a_need_in_the_admin(client, world, publish):
    from committees.models import Need

    need = publish(Need, world["beixinqiao"], owner_committee=True, title="小区门口道路破损")
    client.force_login(world["secretary"])
    changelist = reverse("admin:committees_need_changelist")
    form = {"action": "summons_from_need", "_selected_action": [need.pk], "index": 0}

    assert "道路破损" in client.post(changelist, form).content.decode()  # the page choosing departments
    response = client.post(
        changelist,
        {
            **form,
            "confirmed": "yes",
            "departments": [world["traffic"].pk],
            "category": "traffic",
            "urgency": "ordinary",
        },
    )

    summons = Summons.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{summons.pk}/change/")
    need.refresh_from_db()
    assert summons.need == need and need.status == Need.Status.WITHDRAWN


def test_another_streets_secretary_cannot_raise_a_summons_from_this_need(client, world, publish):
    from committees.models import Need

    need = publish(Need, world["beixinqiao"], owner_committee=True)
    client.force_login(world["other_secretary"])
    client.post(
        reverse("admin:committees_need_changelist"),
        {
            "action": "summons_from_need",
            "_selected_action": [need.pk],
            "index": 0,
            "confirmed": "yes",
            "departments": [world["traffic"].pk],
            "category": "traffic",
        },
    )
    need.refresh_from_db()
    assert need.status == Need.Status.PUBLISHED and not Summons.objects.exists()
