"""Bad input to the API: every error a client can trigger is a 4xx in one JSON shape, per field, in Chinese; the
schema states the real constraints; nothing is silently ignored, cut or redirected."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from committees.api.urls import router as registry_router
from committees.models import Category, Need
from matching.api.urls import router as pipeline_router
from tests.api.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def secretary(world):
    return world["roles"]["street secretary"]


def api(user, **headers):
    client = APIClient(**headers)
    client.force_authenticate(user)
    return client


def need_body(world, **values) -> dict:
    street = world["beixinqiao"]["street"]
    return {
        "owner_committee": street.pk,
        "committee": street.pk,
        "category": Category.objects.get(code="health").pk,
        "title": "楼道照明维修",
        "quantity": 2,
        "contact_name": "王秀英",
        "contact_phone": "13812345678",
        **values,
    }


# --- Ordering and query parameters -----------------------------------------------------------------------------


def test_every_list_endpoint_declares_what_it_may_be_ordered_by():
    undeclared = [
        prefix
        for router in (registry_router, pipeline_router)
        for prefix, viewset, _basename in router.registry
        if hasattr(viewset, "list") and getattr(viewset, "ordering_fields", None) is None
    ]
    assert undeclared == []


@pytest.mark.parametrize("path", ["/api/v1/seats/", "/api/v1/collection-requests/"])
def test_ordering_by_a_method_is_a_400_naming_the_parameter(world, secretary, path):
    response = api(secretary).get(path, {"ordering": "user__get_full_name"})
    assert response.status_code == 400
    assert list(response.json()) == ["ordering"]
    assert "user__get_full_name" in response.json()["ordering"][0]


def test_an_unknown_query_parameter_is_a_400_naming_it(world, secretary):
    response = api(secretary).get("/api/v1/needs/", {"colour": "red", "status": "published"})
    assert response.status_code == 400
    assert list(response.json()) == ["colour"]
    assert "未知的查询参数" in response.json()["colour"][0]


def test_the_known_query_parameters_still_work(world, secretary):
    query = {"page": 1, "page_size": 10, "ordering": "-created_at", "status": "published", "format": "json"}
    response = api(secretary).get("/api/v1/needs/", query)
    assert response.status_code == 200 and response.json()["count"] == 1


# --- Paths without the trailing slash ----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_without_the_trailing_slash_is_a_json_404_that_says_to_add_it(world, secretary, method):
    response = getattr(api(secretary), method)("/api/v1/needs", need_body(world), format="json")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert "/api/v1/needs/" in response.json()["detail"] and "斜杠" in response.json()["detail"]
    assert Need.objects.filter(title="楼道照明维修").count() == 0


def test_a_page_without_the_trailing_slash_still_redirects_a_get(client):
    response = client.get("/accounts/login")
    assert (response.status_code, response["Location"]) == (301, "/accounts/login/")


# --- Chinese, per field, one shape --------------------------------------------------------------------------------


def test_a_client_asking_for_english_still_gets_chinese_field_errors(world, secretary):
    response = api(secretary, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").post("/api/v1/needs/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["title"] == ["该字段是必填项。"]


def test_a_body_that_is_not_json_is_a_chinese_400(world, secretary):
    response = api(secretary).post("/api/v1/needs/", "{", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "请求正文不是有效的 JSON。"}


def test_a_run_without_a_committee_is_refused_in_chinese(world, secretary):
    response = api(secretary).post("/api/v1/matching-runs/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"committee": ["该字段是必填项。"]}


def test_quantity_zero_is_an_error_of_the_quantity_field(world, secretary):
    response = api(secretary).post("/api/v1/needs/", need_body(world, quantity=0), format="json")
    assert response.status_code == 400
    assert response.json() == {"quantity": ["数量至少为 1。"]}


def test_a_past_deadline_is_refused_on_create(world, secretary):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = api(secretary).post("/api/v1/needs/", need_body(world, deadline=yesterday), format="json")
    assert response.status_code == 400
    assert response.json() == {"deadline": ["截止日期已过，请填写今天或以后的日期。"]}


def test_a_draft_whose_deadline_has_passed_cannot_be_published(world, secretary):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    created = api(secretary).post("/api/v1/needs/", need_body(world, deadline=tomorrow), format="json")
    assert created.status_code == 201, created.content
    Need.objects.filter(pk=created.json()["id"]).update(deadline=tomorrow - datetime.timedelta(days=2))
    response = api(secretary).post(f"/api/v1/needs/{created.json()['id']}/publish/")
    assert response.status_code == 400
    assert response.json() == {"deadline": ["截止日期已过，请填写今天或以后的日期。"]}
    assert Need.objects.get(pk=created.json()["id"]).status == "draft"


@pytest.mark.parametrize("field", ["title", "contact_name", "description"])
def test_a_control_character_is_refused_in_chinese(world, secretary, field):
    response = api(secretary).post(
        "/api/v1/needs/", need_body(world, **{field: "楼道\x0b照明"}), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert "控制字符" in response.json()[field][0]


def test_tabs_and_new_lines_are_kept_in_long_texts(world, secretary):
    body = need_body(world, description="第一行\n第二行\t（附注）")
    response = api(secretary).post("/api/v1/needs/", body, format="json")
    assert response.status_code == 201, response.content
    assert Need.objects.get(pk=response.json()["id"]).description == "第一行\n第二行\t（附注）"


def test_a_committee_the_user_may_read_but_not_manage_is_named_as_such(world):
    liaison = world["roles"]["liaison"]
    community = world["beixinqiao"]["community"]
    body = need_body(world, owner_committee=community.pk, committee=community.pk)
    response = api(liaison).post("/api/v1/needs/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"owner_committee": ["您不能代表这个协调委员会操作。"]}


def test_a_committee_the_user_cannot_read_still_does_not_exist(world):
    liaison = world["roles"]["liaison"]
    other = world["tianqiao"]["street"]
    response = api(liaison).post("/api/v1/needs/", need_body(world, owner_committee=other.pk), format="json")
    assert response.status_code == 400
    assert "不存在" in response.json()["owner_committee"][0]


def test_two_owners_are_a_non_field_error(world, secretary):
    body = need_body(world, owner_unit=world["beixinqiao"]["giver"].pk)
    response = api(secretary).post("/api/v1/needs/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]


# --- The schema states the real constraints -----------------------------------------------------------------------


def test_the_schema_states_quantity_owner_and_committee_constraints(client, secretary):
    client.force_login(secretary)
    schemas = client.get("/api/v1/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert schemas["NeedRequest"]["properties"]["quantity"]["minimum"] == 1
    assert "exactly one" in schemas["NeedRequest"]["properties"]["owner_unit"]["description"].lower()
    assert "superuser" in schemas["MatchingRunRequest"]["properties"]["committee"]["description"].lower()
