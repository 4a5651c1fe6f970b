"""The lists in the secretaries' admin: scoped, changed through services, history per record."""

import pytest
from django.urls import reverse

from committees import services
from committees.models import Category, CollectionRound, Need

pytestmark = pytest.mark.django_db

NEED = {
    "title": "楼道照明维修",
    "quantity": 3,
    "measure": "items",
    "contact_name": "王芳",
    "contact_phone": "13700001111",
}


@pytest.fixture
def needs(two_streets, liaison_of):
    health = Category.objects.get(code="environment")
    mine = liaison_of(two_streets["school"], two_streets["minan"])
    theirs = liaison_of(two_streets["theatre"], two_streets["tianqiao"])
    return {
        "own": services.create_record(
            Need,
            by=mine,
            owner_unit=two_streets["school"],
            committee=two_streets["minan"],
            category=health,
            **NEED,
        ),
        "other": services.create_record(
            Need,
            by=theirs,
            owner_unit=two_streets["theatre"],
            committee=two_streets["tianqiao"],
            category=health,
            **{**NEED, "title": "剧场周边停车"},
        ),
    }


@pytest.fixture
def secretary(client, two_streets, secretary_of):
    user = secretary_of(two_streets["beixinqiao"])
    client.force_login(user)
    return user


def test_the_need_list_shows_the_subtree_only(client, secretary, needs):
    page = client.get(reverse("admin:committees_need_changelist")).content.decode()
    assert "楼道照明维修" in page and "剧场周边停车" not in page


def test_another_streets_need_by_id_is_not_shown(client, secretary, needs):
    response = client.get(reverse("admin:committees_need_change", args=[needs["other"].pk]))
    assert response.status_code in (302, 404)


def test_publishing_from_the_admin_goes_through_the_lifecycle(client, secretary, needs):
    client.post(
        reverse("admin:committees_need_changelist"),
        {"action": "publish", "_selected_action": [needs["own"].pk, needs["other"].pk]},
    )
    needs["own"].refresh_from_db()
    needs["other"].refresh_from_db()
    assert needs["own"].status == Need.Status.PUBLISHED
    assert needs["other"].status == Need.Status.DRAFT


def test_withdrawing_asks_for_a_reason_before_anything_changes(client, secretary, needs):
    url = reverse("admin:committees_need_changelist")
    page = client.post(url, {"action": "withdraw", "_selected_action": [needs["own"].pk]})
    assert page.status_code == 200 and "id_reason" in page.content.decode()
    needs["own"].refresh_from_db()
    assert needs["own"].status == Need.Status.DRAFT
    client.post(
        url,
        {
            "action": "withdraw",
            "_selected_action": [needs["own"].pk],
            "confirmed": "yes",
            "reason": "重复登记",
        },
    )
    needs["own"].refresh_from_db()
    assert needs["own"].status == Need.Status.WITHDRAWN and needs["own"].status_reason == "重复登记"


def test_the_need_history_lists_each_change_with_user_and_time(client, secretary, needs):
    services.update_record(needs["own"], by=secretary, quantity=5)
    page = client.get(reverse("admin:committees_need_history", args=[needs["own"].pk])).content.decode()
    assert secretary.username in page or secretary.name in page
    assert page.count("<tr") >= 3  # header, creation, change


def test_opening_a_round_in_the_admin_asks_every_member_unit(client, secretary, two_streets):
    response = client.post(
        reverse("admin:committees_collectionround_add"),
        {
            "committee": two_streets["beixinqiao"].pk,
            "title": "2027年需求征集",
            "description": "",
            "opens_on": "2026-12-01",
            "closes_on": "2026-12-15",
            "requests-TOTAL_FORMS": "0",
            "requests-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    round_ = CollectionRound.objects.get()
    assert round_.requests.count() == 1
    page = client.get(reverse("admin:committees_collectionround_changelist")).content.decode()
    assert "0/1 (0%)" in page


@pytest.mark.parametrize("count", [3, 40])
def test_the_need_list_query_count_does_not_grow(
    client, secretary, two_streets, liaison_of, count, django_assert_max_num_queries
):
    me = liaison_of(two_streets["school"], two_streets["minan"])
    category = Category.objects.get(code="health")
    for index in range(count):
        services.create_record(
            Need,
            by=me,
            owner_unit=two_streets["school"],
            committee=two_streets["minan"],
            category=category,
            **{**NEED, "title": f"需求{index}"},
        )
    with django_assert_max_num_queries(14):
        assert client.get(reverse("admin:committees_need_changelist")).status_code == 200
