"""The liaisons' pages: their own records, forms that trust no id, claims, collection rounds; bounded queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from committees import services
from committees.models import Category, Claim, CollectionRequest, Need, Resource
from tests.factories import MembershipFactory, MemberUnitFactory

pytestmark = pytest.mark.django_db


def need_data(unit, committee, **extra):
    return {
        "unit": unit.pk,
        "committee": committee.pk,
        "category": Category.objects.get(code="care").pk,
        "title": "独居老人助餐",
        "description": "每日午餐配送",
        "quantity": 10,
        "measure": "people",
        "beneficiaries": "民安社区独居老人",
        "reach": "street",
        "contact_name": "张秀兰",
        "contact_phone": "13812345678",
        "urgency": "normal",
        "source": "resident",
        **extra,
    }


@pytest.fixture
def school_liaison(client, two_streets, liaison_of):
    user = liaison_of(two_streets["school"], two_streets["minan"])
    client.force_login(user)
    return user


@pytest.fixture
def published_need(two_streets, liaison_of):
    owner = liaison_of(two_streets["school"], two_streets["minan"])
    need = services.create_record(
        Need,
        by=owner,
        owner_unit=two_streets["school"],
        committee=two_streets["minan"],
        category=Category.objects.get(code="care"),
        title="独居老人助餐",
        quantity=10,
        measure="people",
        contact_name="张秀兰",
        contact_phone="13812345678",
    )
    return services.publish_record(need, by=owner)


def test_a_liaison_registers_and_publishes_a_need(client, school_liaison, two_streets):
    response = client.post(
        reverse("record_create", args=["needs"]),
        {**need_data(two_streets["school"], two_streets["minan"]), "publish": "1"},
    )
    need = Need.objects.get()
    assert response.status_code == 302 and response.url == reverse("record_detail", args=["needs", need.pk])
    assert (need.status, need.owner_unit, need.created_by) == (
        "published",
        two_streets["school"],
        school_liaison,
    )


def test_a_form_posting_another_units_id_as_owner_is_refused(client, school_liaison, two_streets):
    response = client.post(
        reverse("record_create", args=["needs"]), need_data(two_streets["theatre"], two_streets["tianqiao"])
    )
    assert response.status_code == 200
    assert "errors" in response.content.decode()
    assert not Need.objects.exists()


def test_validation_messages_are_in_chinese(client, school_liaison, two_streets):
    response = client.post(
        reverse("record_create", args=["needs"]),
        need_data(two_streets["school"], two_streets["minan"], contact_phone="123", title=""),
    )
    page = response.content.decode()
    assert "请输入 11 位手机号" in page and "该字段是必填项" in page


@pytest.mark.parametrize("action", ["record_detail", "record_edit", "record_withdraw"])
def test_another_units_record_by_id_is_404(client, two_streets, liaison_of, published_need, action):
    client.force_login(liaison_of(two_streets["theatre"], two_streets["tianqiao"]))
    response = client.get(reverse(action, args=["needs", published_need.pk]))
    assert response.status_code == 404


def test_publishing_another_units_draft_by_post_is_404_and_changes_nothing(client, two_streets, liaison_of):
    owner = liaison_of(two_streets["school"], two_streets["minan"])
    draft = services.create_record(
        Need,
        by=owner,
        owner_unit=two_streets["school"],
        committee=two_streets["minan"],
        category=Category.objects.get(code="care"),
        title="草稿",
        quantity=1,
        measure="items",
        contact_name="张三",
        contact_phone="13812345678",
    )
    client.force_login(liaison_of(two_streets["petro"], two_streets["beixinqiao"]))
    assert client.post(reverse("record_publish", args=["needs", draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_withdrawing_asks_for_a_reason_first(client, school_liaison, published_need):
    url = reverse("record_withdraw", args=["needs", published_need.pk])
    assert "id_reason" in client.get(url).content.decode()
    client.post(url, {"reason": ""})
    published_need.refresh_from_db()
    assert published_need.status == "published"
    client.post(url, {"reason": "已解决"})
    published_need.refresh_from_db()
    assert (published_need.status, published_need.status_reason) == ("withdrawn", "已解决")


def test_another_unit_sees_the_contact_masked(client, two_streets, liaison_of, published_need):
    client.force_login(liaison_of(two_streets["petro"], two_streets["beixinqiao"]))
    page = client.get(reverse("record_detail", args=["needs", published_need.pk])).content.decode()
    assert "138****5678" in page and "13812345678" not in page and "张秀兰" not in page


def test_a_unit_of_the_home_committee_claims_from_the_claim_hall_and_cancels(
    client, two_streets, liaison_of, published_need
):
    neighbour = MembershipFactory(
        committee=two_streets["minan"], unit=MemberUnitFactory(name="民安药房")
    ).unit
    client.force_login(liaison_of(neighbour, two_streets["minan"]))
    assert "独居老人助餐" in client.get(reverse("claim_hall")).content.decode()
    client.post(reverse("claim", args=[published_need.pk]), {"unit": neighbour.pk, "note": "药房配送"})
    claim = Claim.objects.get()
    assert (claim.unit, claim.status, claim.note) == (neighbour, "live", "药房配送")
    client.post(reverse("claim_cancel", args=[claim.pk]), {"reason": "人手不足"})
    claim.refresh_from_db()
    assert claim.status == "cancelled"


def test_a_unit_outside_the_home_committee_waits_for_the_claim_window(
    client, two_streets, liaison_of, published_need
):
    client.force_login(liaison_of(two_streets["petro"], two_streets["beixinqiao"]))
    assert "独居老人助餐" not in client.get(reverse("claim_hall")).content.decode()
    response = client.post(reverse("claim", args=[published_need.pk]), {"unit": two_streets["petro"].pk})
    assert response.status_code == 200 and not Claim.objects.exists()


def test_answering_a_round_with_a_resource_and_nothing_this_time(
    client, two_streets, secretary_of, liaison_of
):
    round_ = services.open_collection_round(
        committee=two_streets["minan"],
        by=secretary_of(two_streets["beixinqiao"]),
        title="冬季征集",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    asked = CollectionRequest.objects.get(round=round_, unit=two_streets["school"])
    client.force_login(liaison_of(two_streets["school"], two_streets["minan"]))
    assert "冬季征集" in client.get(reverse("home")).content.decode()
    client.post(
        reverse("record_create", args=["resources"]),
        {
            "answer": asked.pk,
            "unit": two_streets["school"].pk,
            "committee": two_streets["minan"].pk,
            "category": Category.objects.get(code="venues").pk,
            "title": "学校操场周末开放",
            "quantity": 8,
            "measure": "sessions",
            "reach": "community",
            "contact_name": "李老师",
            "contact_phone": "13811112222",
            "kind": "social",
            "booking": "appointment",
        },
    )
    assert Resource.objects.get().collection_request == asked
    asked.refresh_from_db()
    assert asked.answered_at is not None


def test_secretaries_land_in_the_admin(client, two_streets, secretary_of):
    client.force_login(secretary_of(two_streets["beixinqiao"]))
    assert client.get(reverse("home")).url == reverse("admin:index")


def test_pages_need_a_login(client):
    assert client.get(reverse("record_list", args=["needs"])).status_code == 302


@pytest.mark.parametrize("count", [2, 25])
def test_the_dashboard_and_lists_keep_a_bounded_query_count(
    client, school_liaison, two_streets, count, django_assert_max_num_queries
):
    for index in range(count):
        services.publish_record(
            services.create_record(
                Need,
                by=school_liaison,
                owner_unit=two_streets["school"],
                committee=two_streets["minan"],
                category=Category.objects.get(code="care"),
                title=f"需求{index}",
                quantity=3,
                measure="items",
                contact_name="张三",
                contact_phone="13812345678",
            ),
            by=school_liaison,
        )
    for url in [
        reverse("home"),
        reverse("record_list", args=["needs"]),
        reverse("claim_hall"),
        reverse("resources_within_reach"),
    ]:
        # Every page: + the header's unread count; home: + the to-do providers (proposals, projects, evaluations,
        # collection requests).
        with django_assert_max_num_queries(21 if url == reverse("home") else 17):
            assert client.get(url).status_code == 200
