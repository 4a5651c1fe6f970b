"""吹哨报到 over the API: the same scoping and services as the pages (404 out of scope, nothing changed), 400
with field messages on bad input, constant query counts."""

import pytest
from rest_framework.test import APIClient

from committees.models import Department, Need
from matching import summons as service
from matching.models import Summons, SummonsPart
from tests.factories import DepartmentFactory, DutySeatFactory

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world(area, secretary_of):
    traffic = DepartmentFactory(name="区交通委", district=area["dongcheng"], streets=[area["beixinqiao"]])
    chengguan = DepartmentFactory(
        name="城管执法队", kind="station", district=area["dongcheng"], streets=[area["beixinqiao"]]
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
        "chengguan_duty": DutySeatFactory(department=chengguan).user,
        "secretary": secretary_of(area["beixinqiao"]),
        "other_secretary": secretary_of(area["desheng"]),
        "district_secretary": secretary_of(area["dongcheng"]),
    }


def raise_body(world, **overrides):
    return {
        "committee": world["beixinqiao"].pk,
        "title": "北新桥三条路口积水",
        "place": "北新桥三条东口",
        "category": "emergency",
        "urgency": "urgent",
        "departments": [world["traffic"].pk, world["chengguan"].pk],
        **overrides,
    }


def test_the_whole_round_over_the_api(world):
    created = api(world["secretary"]).post("/api/v1/summonses/", raise_body(world), format="json")
    assert created.status_code == 201, created.json()
    summons_id = created.json()["id"]
    assert {part["department_name"] for part in created.json()["parts"]} == {"区交通委", "城管执法队"}

    mine = api(world["traffic_duty"]).get("/api/v1/summons-parts/").json()["results"]
    assert [part["department_name"] for part in mine] == ["区交通委"]
    part_id = mine[0]["id"]
    seen = api(world["traffic_duty"]).get(f"/api/v1/summonses/{summons_id}/").json()
    assert [part["department_name"] for part in seen["parts"]] == ["区交通委"]

    duty = api(world["traffic_duty"])
    assert (
        duty.post(f"/api/v1/summons-parts/{part_id}/report/", {"attendee_name": "王队长"}).status_code == 200
    )
    assert duty.post("/api/v1/summons-records/", {"part": part_id, "text": "已抽排积水"}).status_code == 201
    assert (
        duty.post(f"/api/v1/summons-parts/{part_id}/finish/", {"done": True}, format="json").status_code
        == 200
    )

    closed = api(world["secretary"]).post(
        f"/api/v1/summonses/{summons_id}/close/",
        {"resolved": True, "ratings": [{"part": part_id, "timeliness": 5, "attitude": 5, "result": 4}]},
        format="json",
    )
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "resolved"
    assert SummonsPart.objects.get(pk=part_id).result == 4


def test_out_of_scope_is_404_and_changes_nothing(world):
    summons = service.raise_summons(
        by=world["secretary"],
        committee=world["beixinqiao"],
        departments=[world["traffic"]],
        title="占道",
        place="北新桥",
        category="city",
    )
    part = summons.parts.get()

    assert api(world["other_secretary"]).get(f"/api/v1/summonses/{summons.pk}/").status_code == 404
    assert (
        api(world["other_secretary"])
        .post(f"/api/v1/summonses/{summons.pk}/close/", {"resolved": True})
        .status_code
        == 404
    )
    assert (
        api(world["chengguan_duty"])
        .post(f"/api/v1/summons-parts/{part.pk}/report/", {"attendee_name": "x"})
        .status_code
        == 404
    )
    assert (
        api(world["chengguan_duty"])
        .post("/api/v1/summons-records/", {"part": part.pk, "text": "x"})
        .status_code
        == 400
    )
    # The secretary sees the part but does not act for the department.
    assert (
        api(world["secretary"])
        .post(f"/api/v1/summons-parts/{part.pk}/report/", {"attendee_name": "x"})
        .status_code
        == 403
    )

    summons.refresh_from_db()
    part.refresh_from_db()
    assert summons.is_open and part.status == SummonsPart.Status.SUMMONED and not part.records.exists()


def test_another_streets_secretary_cannot_raise_for_this_street_nor_summon_outside(world):
    assert (
        api(world["other_secretary"]).post("/api/v1/summonses/", raise_body(world), format="json").status_code
        == 400
    )
    outside = api(world["secretary"]).post(
        "/api/v1/summonses/", raise_body(world, departments=[world["police"].pk]), format="json"
    )
    assert outside.status_code == 400 and "departments" in outside.json()
    assert not Summons.objects.exists()


def test_bad_input_is_400_with_field_messages(world):
    client = api(world["secretary"])
    response = client.post("/api/v1/summonses/", raise_body(world, title="", category="nope"), format="json")
    assert response.status_code == 400 and {"title", "category"} <= set(response.json())
    summons = service.raise_summons(
        by=world["secretary"],
        committee=world["beixinqiao"],
        departments=[world["traffic"]],
        title="t",
        place="p",
        category="city",
    )
    bad = client.post(
        f"/api/v1/summonses/{summons.pk}/close/",
        {
            "resolved": True,
            "ratings": [{"part": summons.parts.get().pk, "timeliness": 9, "attitude": 1, "result": 1}],
        },
        format="json",
    )
    assert bad.status_code == 400


def test_a_need_becomes_a_summons_over_the_api(world, publish):
    need = publish(Need, world["beixinqiao"], owner_committee=True, title="道路破损")
    response = api(world["secretary"]).post(
        "/api/v1/summonses/from-need/",
        {"need": need.pk, "departments": [world["traffic"].pk], "category": "traffic"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    need.refresh_from_db()
    assert need.status == Need.Status.WITHDRAWN and response.json()["need"] == need.pk


def test_departments_register_over_the_api(world):
    listed = api(world["secretary"]).get("/api/v1/departments/").json()["results"]
    assert {row["name"] for row in listed} == {"区交通委", "城管执法队"}
    created = api(world["district_secretary"]).post(
        "/api/v1/departments/",
        {
            "name": "东城区房管所",
            "kind": "station",
            "district": world["dongcheng"].pk,
            "streets": [world["beixinqiao"].pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    refused = api(world["secretary"]).post(
        "/api/v1/departments/",
        {"name": "某局", "kind": "department", "district": world["dongcheng"].pk},
        format="json",
    )
    assert refused.status_code == 400
    assert not Department.objects.filter(name="某局").exists()


def test_lists_run_a_constant_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(12):
        service.raise_summons(
            by=world["secretary"],
            committee=world["beixinqiao"],
            departments=[world["traffic"], world["chengguan"]],
            title="t",
            place="p",
            category="city",
        )
    for user in (world["secretary"], world["traffic_duty"]):
        client = api(user)
        for url in (
            "/api/v1/summonses/",
            "/api/v1/summons-parts/",
            "/api/v1/departments/",
            "/api/v1/department-figures/",
        ):
            with django_assert_max_num_queries(8):
                assert client.get(url).status_code == 200


def test_whom_the_department_sends_is_masked_to_the_overseer(world, overseer_of):
    summons = service.raise_summons(
        by=world["secretary"],
        committee=world["beixinqiao"],
        departments=[world["traffic"]],
        title="t",
        place="p",
        category="city",
    )
    service.report(
        part=summons.parts.get(),
        by=world["traffic_duty"],
        attendee_name="王建国",
        attendee_phone="13912345678",
    )
    overseer = overseer_of(world["dongcheng"])

    for user, name, phone in (
        (world["secretary"], "王建国", "13912345678"),
        (world["traffic_duty"], "王建国", "13912345678"),
        (overseer, "王**", "139****5678"),
    ):
        [part] = api(user).get("/api/v1/summons-parts/").json()["results"]
        [nested] = api(user).get("/api/v1/summonses/").json()["results"][0]["parts"]
        assert (part["attendee_name"], part["attendee_phone"]) == (name, phone), user
        assert (nested["attendee_name"], nested["attendee_phone"]) == (name, phone), user
