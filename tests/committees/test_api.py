"""The REST API for the registry and the lists: the same scoping as the admin and the pages, 400s not 500s."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from committees import services
from committees.models import Category, Need

pytestmark = pytest.mark.django_db

NEED = {
    "title": "独居老人助餐",
    "quantity": 4,
    "measure": "people",
    "contact_name": "张秀兰",
    "contact_phone": "13812345678",
}


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def needs(two_streets, liaison_of):
    category = Category.objects.get(code="care")
    school = liaison_of(two_streets["school"], two_streets["minan"])
    theatre = liaison_of(two_streets["theatre"], two_streets["tianqiao"])
    own = services.publish_record(
        services.create_record(
            Need,
            by=school,
            owner_unit=two_streets["school"],
            committee=two_streets["minan"],
            category=category,
            **NEED,
        ),
        by=school,
    )
    other = services.create_record(
        Need,
        by=theatre,
        owner_unit=two_streets["theatre"],
        committee=two_streets["tianqiao"],
        category=category,
        **{**NEED, "title": "剧场周边停车"},
    )
    return {"own": own, "other": other, "school_liaison": school, "theatre_liaison": theatre}


def titles(response):
    return {row["title"] for row in response.json()["results"]}


def test_a_token_is_obtained_with_username_and_password(api, two_streets, secretary_of):
    user = secretary_of(two_streets["beixinqiao"])
    user.set_password("pw-12345678")
    user.save()
    token = api.post(reverse("api-token"), {"username": user.username, "password": "pw-12345678"}).json()[
        "token"
    ]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/committees/").status_code == 200


def test_anonymous_requests_are_refused(api):
    assert api.get("/api/v1/needs/").status_code in (401, 403)


def test_a_secretary_lists_the_subtree_only(api, two_streets, secretary_of, needs):
    api.force_authenticate(secretary_of(two_streets["beixinqiao"]))
    assert titles(api.get("/api/v1/needs/")) == {"独居老人助餐"}
    committees = {row["name"] for row in api.get("/api/v1/committees/").json()["results"]}
    assert committees == {"北新桥街道", "民安社区"}
    assert api.get(f"/api/v1/needs/{needs['other'].pk}/").status_code == 404


def test_another_units_draft_by_id_is_404_and_cannot_be_published(api, needs):
    api.force_authenticate(needs["school_liaison"])
    assert api.get(f"/api/v1/needs/{needs['other'].pk}/").status_code == 404
    assert api.post(f"/api/v1/needs/{needs['other'].pk}/publish/").status_code == 404
    needs["other"].refresh_from_db()
    assert needs["other"].status == "draft"


def test_an_owner_id_outside_the_scope_is_a_400_with_field_messages(api, two_streets, needs):
    api.force_authenticate(needs["school_liaison"])
    response = api.post(
        "/api/v1/needs/",
        {
            **NEED,
            "owner_unit": two_streets["theatre"].pk,
            "committee": two_streets["tianqiao"].pk,
            "category": Category.objects.get(code="care").pk,
        },
        format="json",
    )
    assert response.status_code == 400 and "owner_unit" in response.json()
    assert not Need.objects.filter(owner_unit=two_streets["theatre"], title=NEED["title"]).exists()


def test_a_liaison_creates_publishes_and_withdraws_through_actions(api, two_streets, needs):
    api.force_authenticate(needs["school_liaison"])
    created = api.post(
        "/api/v1/needs/",
        {
            **NEED,
            "title": "课后托管",
            "owner_unit": two_streets["school"].pk,
            "committee": two_streets["minan"].pk,
            "category": Category.objects.get(code="education").pk,
            "status": "fulfilled",
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["status"] == "draft"  # status is not writable
    pk = created.json()["id"]
    assert api.post(f"/api/v1/needs/{pk}/publish/").json()["status"] == "published"
    assert api.post(f"/api/v1/needs/{pk}/withdraw/", {}, format="json").status_code == 400
    assert (
        api.post(f"/api/v1/needs/{pk}/withdraw/", {"reason": "已解决"}, format="json").json()["status"]
        == "withdrawn"
    )


def test_bad_input_is_a_400_with_field_messages_in_chinese(api, two_streets, needs):
    api.force_authenticate(needs["school_liaison"])
    response = api.post(
        "/api/v1/needs/",
        {
            "title": "",
            "quantity": -1,
            "contact_phone": "123",
            "owner_unit": two_streets["school"].pk,
            "committee": two_streets["minan"].pk,
            "category": Category.objects.get(code="care").pk,
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert {"title", "quantity"} <= set(body)


def test_other_units_see_contacts_masked(api, two_streets, liaison_of, needs):
    api.force_authenticate(liaison_of(two_streets["petro"], two_streets["beixinqiao"]))
    row = api.get(f"/api/v1/needs/{needs['own'].pk}/").json()
    assert (row["contact_name"], row["contact_phone"]) == ("张**", "138****5678")


@pytest.mark.parametrize("count", [2, 30])
def test_list_queries_do_not_grow_with_the_page(
    api, two_streets, needs, count, django_assert_max_num_queries
):
    for i in range(count):
        services.create_record(
            Need,
            by=needs["school_liaison"],
            owner_unit=two_streets["school"],
            committee=two_streets["minan"],
            category=Category.objects.get(code="care"),
            **{**NEED, "title": f"需求{i}"},
        )
    api.force_authenticate(needs["school_liaison"])
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/needs/").status_code == 200


def test_the_schema_and_docs_are_served_without_a_cdn(client, two_streets, secretary_of):
    client.force_login(secretary_of(two_streets["beixinqiao"]))
    assert client.get("/api/v1/schema/").status_code == 200
    docs = client.get("/api/v1/docs/").content.decode()
    assert "cdn" not in docs.lower() and "swagger-ui" in docs


def test_the_schema_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
