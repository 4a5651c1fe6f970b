"""双报到 pages and admin: registration, a member's tasks and hours, the liaison's view (no address), the secretary's
admin (confirm, check in, confirm hours, live count), masking in the admin and its history, 404 out of scope."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import MemberReport
from matching import volunteering
from matching.models import SignUp
from tests.factories import UserFactory
from tests.matching.volunteering_setup import build, tomorrow


@pytest.fixture
def world(area):
    return build(area)


@pytest.fixture
def task(area, world):
    return volunteering.publish_task(
        by=world["sec_minan"],
        community=area["minan"],
        title="清理楼道杂物",
        place="北新桥三条8号院",
        starts_at=tomorrow(9),
        ends_at=tomorrow(11),
        people_wanted=3,
    )


def test_a_new_member_registers_on_the_page(client, area, world):
    response = client.post(
        reverse("members_register"),
        {
            "username": "liuyang",
            "password": "Dangjian@2026x",
            "community": area["minan"].pk,
            "name": "刘洋",
            "phone": "13700000000",
            "address": "北新桥头条1号",
            "unit_name": "某科技公司",
            "skills": ["tech"],
        },
    )
    assert response.status_code == 302
    report = MemberReport.objects.get(name="刘洋")
    assert report.status == "pending" and report.skills == ",tech,"
    page = client.get(reverse("members_home"))
    assert 'id="report-status">待确认<' in page.content.decode()


def test_registration_errors_are_form_errors(client, area):
    response = client.post(
        reverse("members_register"), {"username": "x", "password": "1", "community": "999999"}
    )
    assert response.status_code == 200 and response.context["form"].errors


def test_member_pages_sign_up_and_hours(client, area, world, task):
    client.force_login(world["wang"])
    assert client.get("/").url == reverse("members_home")
    listing = client.get(reverse("members_tasks")).content.decode()
    assert "清理楼道杂物" in listing
    client.post(reverse("members_task", args=[task.pk]), {"sign_up": "1"})
    assert SignUp.objects.get(task=task, member=world["wang_report"]).status == "signed_up"
    assert client.get(reverse("members_home")).status_code == 200
    hours = client.get(reverse("members_hours")).content.decode()
    assert "清理楼道杂物" in hours
    assert 'id="hours-total">0.0<' in hours  # signed up, not served: no hours


def test_another_communitys_task_is_404(client, area, world):
    other = volunteering.publish_task(
        by=world["sec_zhao"],
        community=area["zhaojialou"],
        title="赵家楼任务",
        place="某处",
        starts_at=tomorrow(9),
        ends_at=tomorrow(10),
        people_wanted=1,
    )
    client.force_login(world["wang"])
    assert client.get(reverse("members_task", args=[other.pk])).status_code == 404
    assert client.post(reverse("members_task", args=[other.pk]), {"sign_up": "1"}).status_code == 404
    assert not SignUp.objects.exists()
    client.force_login(world["sec_minan"])
    assert client.get(reverse("members_task_live", args=[other.pk])).status_code == 404
    assert client.get(reverse("admin:matching_communitytask_change", args=[other.pk])).status_code in (
        302,
        404,
    )


def test_liaison_sees_members_and_hours_never_address(client, area, world, task, monkeypatch):
    entry = volunteering.sign_up(by=world["wang"], task=task)
    start = tomorrow(9)
    monkeypatch.setattr(timezone, "now", lambda: start)
    entry = volunteering.check_in(by=world["sec_minan"], sign_up=entry)
    volunteering.confirm_hours(by=world["sec_minan"], sign_up=entry)
    monkeypatch.undo()
    client.force_login(world["liaison"])
    page = client.get(reverse("members_unit")).content.decode()
    assert "王建国" in page and 'class="hours">2.0<' in page
    assert "北新桥三条8号院2-301" not in page and "张秀兰" not in page


def test_secretary_admin_confirms_checks_in_and_confirms_hours(client, area, world, task, monkeypatch):
    pending = MemberReport.objects.create(
        user=UserFactory(), community=area["minan"], name="孙丽", phone="13600000000", unit_name="某公司"
    )
    client.force_login(world["sec_minan"])
    url = reverse("admin:committees_memberreport_changelist")
    assert "孙丽" in client.get(url).content.decode()
    client.post(url, {"action": "confirm_reports", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == "confirmed"
    entry = volunteering.sign_up(by=world["wang"], task=task)
    change = client.get(reverse("admin:matching_communitytask_change", args=[task.pk])).content.decode()
    assert "signups-live" in change and "js/signups_live.js" in change
    live = client.get(reverse("members_task_live", args=[task.pk])).json()
    assert live == {"signed_up": 1, "wanted": 3, "full": False, "status": "published"}
    start = tomorrow(9)
    monkeypatch.setattr(timezone, "now", lambda: start)
    signups = reverse("admin:matching_signup_changelist")
    client.force_login(world["sec_minan"])  # a session of today would have expired by tomorrow 9:00
    client.post(signups, {"action": "check_in_members", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.status == "checked_in" and entry.hours is None
    client.post(signups, {"action": "confirm_task_hours", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.status == "confirmed" and str(entry.hours) == "2.0"


def test_admin_masks_members_for_an_overseer_with_history(client, area, world, overseer_of):
    overseer = overseer_of(area["dongcheng"])
    client.force_login(overseer)
    report = world["wang_report"]
    listing = client.get(reverse("admin:committees_memberreport_changelist")).content.decode()
    assert "王**" in listing and "王建国" not in listing and "13812345678" not in listing
    change = client.get(reverse("admin:committees_memberreport_change", args=[report.pk])).content.decode()
    assert "王建国" not in change and "北新桥三条8号院2-301" not in change
    history = client.get(reverse("admin:committees_memberreport_history", args=[report.pk])).content.decode()
    assert "王建国" not in history and "13812345678" not in history
    client.force_login(world["sec_minan"])
    change = client.get(reverse("admin:committees_memberreport_change", args=[report.pk])).content.decode()
    assert "北新桥三条8号院2-301" in change


def _cells(response) -> str:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    return " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)


def test_roster_and_hours_ledgers_mask_unless_in_full_with_a_logged_purpose(client, area, world, task):
    from committees.models import PersonalDataExport

    volunteering.sign_up(by=world["wang"], task=task)
    client.force_login(world["sec_minan"])
    roster_url = reverse("admin:committees_memberreport_changelist")
    ids = [world["wang_report"].pk, world["zhang_report"].pk]
    masked = _cells(client.post(roster_url, {"action": "export_ledger", "_selected_action": ids}))
    assert "王**" in masked and "王建国" not in masked and "13812345678" not in masked
    assert "北新桥三条8号院2-301" not in masked
    assert PersonalDataExport.objects.count() == 0
    asked = client.post(roster_url, {"action": "export_ledger_in_full", "_selected_action": ids})
    assert asked.status_code == 200 and "purpose" in asked.content.decode()  # the purpose form, no file
    full = _cells(
        client.post(
            roster_url,
            {"action": "export_ledger_in_full", "_selected_action": ids, "purpose": "年度党员报到核对"},
        )
    )
    assert "王建国" in full and "北新桥三条8号院2-301" in full
    assert PersonalDataExport.objects.get().rows == 2
    hours_url = reverse("admin:matching_signup_changelist")
    entry = SignUp.objects.get()
    hours = _cells(client.post(hours_url, {"action": "export_ledger", "_selected_action": [entry.pk]}))
    assert "王**" in hours and "清理楼道杂物" in hours and "王建国" not in hours


def test_an_overseer_exports_only_masked(client, area, world, overseer_of):
    client.force_login(overseer_of(area["dongcheng"]))
    url = reverse("admin:committees_memberreport_changelist")
    ids = [world["wang_report"].pk]
    full = client.post(
        url, {"action": "export_ledger_in_full", "_selected_action": ids, "purpose": "年度党员报到核对"}
    )
    assert "王建国" not in (full.content.decode(errors="ignore") if full.status_code == 200 else "")
    masked = _cells(client.post(url, {"action": "export_ledger", "_selected_action": ids}))
    assert "王**" in masked and "王建国" not in masked


# --- The REST API: the same gate, services and masking ------------------------------------------------------------


def test_api_member_flow_and_scoping(client, area, world, task, monkeypatch):
    client.force_login(world["wang"])
    listed = client.get("/api/v1/community-tasks/").json()
    assert [row["id"] for row in listed["results"]] == [task.pk]
    made = client.post(f"/api/v1/community-tasks/{task.pk}/sign-up/")
    assert made.status_code == 201 and made.json()["member_name"] == "王建国"
    again = client.post(f"/api/v1/community-tasks/{task.pk}/sign-up/")
    assert again.status_code == 400
    client.force_login(world["zhao"])  # another street's member: the task does not exist for them
    assert client.post(f"/api/v1/community-tasks/{task.pk}/sign-up/").status_code == 404
    client.force_login(world["sec_zhao"])
    entry = SignUp.objects.get()
    assert client.post(f"/api/v1/sign-ups/{entry.pk}/check-in/").status_code == 404
    assert client.get(f"/api/v1/member-reports/{world['wang_report'].pk}/").status_code == 404
    start = tomorrow(9)
    monkeypatch.setattr(timezone, "now", lambda: start)
    client.force_login(world["sec_minan"])
    assert client.post(f"/api/v1/sign-ups/{entry.pk}/confirm-hours/", {}).status_code == 400  # not checked in
    assert client.post(f"/api/v1/sign-ups/{entry.pk}/check-in/").json()["status"] == "checked_in"
    bad = client.post(
        f"/api/v1/sign-ups/{entry.pk}/confirm-hours/", {"hours": "99"}, content_type="application/json"
    )
    assert bad.status_code == 400
    done = client.post(
        f"/api/v1/sign-ups/{entry.pk}/confirm-hours/", {"hours": "2.5"}, content_type="application/json"
    )
    assert done.json()["hours"] == "2.5"
    monkeypatch.undo()
    client.force_login(world["liaison"])
    rows = client.get("/api/v1/sign-ups/").json()["results"]
    assert [(r["member_name"], r["hours"]) for r in rows] == [("王建国", "2.5")]
    reports = client.get("/api/v1/member-reports/").json()["results"]
    assert {r["address"] for r in reports} == {"****"} and "王建国" in {r["name"] for r in reports}


def test_api_masks_members_for_an_overseer_and_refuses_foreign_ids(client, area, world, overseer_of):
    client.force_login(overseer_of(area["dongcheng"]))
    rows = client.get("/api/v1/member-reports/").json()["results"]
    assert rows and all(r["name"].endswith("*") and "****" in r["phone"] for r in rows)
    client.force_login(world["sec_zhao"])
    response = client.post(
        "/api/v1/community-tasks/",
        {
            "community": area["minan"].pk,
            "title": "越权任务",
            "place": "某处",
            "starts_at": tomorrow(9).isoformat(),
            "ends_at": tomorrow(10).isoformat(),
            "people_wanted": 1,
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "community" in response.json()
    assert not volunteering.CommunityTask.objects.filter(title="越权任务").exists()


def test_api_registration_and_commitment(client, area, world):
    newcomer = UserFactory(username="chen")
    client.force_login(newcomer)
    response = client.post(
        "/api/v1/member-reports/",
        {
            "community": area["minan"].pk,
            "name": "陈",
            "phone": "13500000000",
            "unit_name": "某公司",
            "skills": ["legal"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["skills"] == ["legal"] and response.json()["status"] == "pending"
    client.force_login(world["liaison"])
    report = client.post(
        "/api/v1/organisation-reports/",
        {"unit": world["unit"].pk, "community": area["minan"].pk},
        content_type="application/json",
    )
    assert report.status_code == 201, report.json()
    added = client.post(
        f"/api/v1/organisation-reports/{report.json()['id']}/commitments/",
        {"category": "health", "title": "每季度一次义诊", "quantity": 4},
        content_type="application/json",
    )
    assert added.status_code == 201 and len(added.json()["commitments"]) == 1


def test_member_and_liaison_pages_take_constant_queries(client, area, world, django_assert_max_num_queries):
    for day in range(30):
        start = tomorrow(9) + datetime.timedelta(days=day)
        task = volunteering.publish_task(
            by=world["sec_minan"],
            community=area["minan"],
            title=f"任务{day}",
            place="某处",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            people_wanted=2,
        )
        volunteering.sign_up(by=world["wang"], task=task)
    client.force_login(world["wang"])
    for name in ("members_home", "members_tasks", "members_hours"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/sign-ups/").status_code == 200
    client.force_login(world["liaison"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("members_unit")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/member-reports/").status_code == 200


def test_the_street_secretary_sees_who_has_not_reported(client, area, world):
    from committees import services
    from tests.factories import MembershipFactory

    late = MembershipFactory(committee=area["jiudaowan"], unit__name="迟报单位").unit
    services.report_organisation(by=world["liaison"], unit=world["unit"], community=area["minan"])
    client.force_login(world["sec_street"])
    page = client.get(reverse("admin:committees_organisationreport_changelist")).content.decode()
    assert late.name in page and "北京市第六医院" in page  # reported: listed; not reported: named above
    unreported = page[page.index('id="unreported-units"') :]
    assert late.name in unreported and "北京市第六医院" not in unreported.split("</ul>")[0]
