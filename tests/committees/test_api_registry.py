"""Memberships and seats written over REST (add, change, end — never deleted), and collection rounds answered by
the liaisons: the registry services, the same scoping; foreign ids are 400s, other committees' rows 404s."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from committees import scoping, services
from committees.models import Category, CollectionRequest, Membership, Need, Seat
from tests.factories import MembershipFactory, MemberUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def api():
    return APIClient()


def test_a_secretary_adds_a_unit_to_a_community_changes_its_role_and_ends_it(api, two_streets, secretary_of):
    api.force_authenticate(secretary_of(two_streets["beixinqiao"]))
    petro, minan = two_streets["petro"], two_streets["minan"]

    added = api.post("/api/v1/memberships/", {"unit": petro.pk, "committee": minan.pk}, format="json")
    pk = added.json()["id"]
    changed = api.patch(f"/api/v1/memberships/{pk}/", {"role": "vice_chair_unit"}, format="json")
    ended = api.post(f"/api/v1/memberships/{pk}/end/", {}, format="json")

    assert (added.status_code, changed.status_code, ended.status_code) == (201, 200, 200)
    assert changed.json()["role"] == "vice_chair_unit"
    assert ended.json()["until"] == TODAY.isoformat()
    membership = Membership.objects.get(pk=pk)
    assert (membership.role, membership.until) == ("vice_chair_unit", TODAY)
    assert membership.history.count() == 3  # added, role changed, ended: each with its author


def test_a_unit_outside_the_subtree_is_a_400_and_nothing_is_created(api, two_streets, secretary_of):
    api.force_authenticate(secretary_of(two_streets["beixinqiao"]))
    before = Membership.objects.count()
    response = api.post(
        "/api/v1/memberships/",
        {"unit": two_streets["theatre"].pk, "committee": two_streets["minan"].pk},
        format="json",
    )
    assert response.status_code == 400 and "unit" in response.json()
    assert Membership.objects.count() == before


def test_memberships_are_never_deleted(api, two_streets, secretary_of):
    api.force_authenticate(secretary_of(two_streets["beixinqiao"]))
    membership = Membership.objects.get(unit=two_streets["petro"])
    assert api.delete(f"/api/v1/memberships/{membership.pk}/").status_code == 405
    assert api.put(f"/api/v1/memberships/{membership.pk}/", {"role": "chair_unit"}).status_code == 405
    assert Membership.objects.filter(pk=membership.pk, until__isnull=True).exists()


def test_ending_twice_is_a_400(api, two_streets, secretary_of):
    api.force_authenticate(secretary_of(two_streets["beixinqiao"]))
    membership = Membership.objects.get(unit=two_streets["petro"])
    url = f"/api/v1/memberships/{membership.pk}/end/"
    assert api.post(url, {"on": TODAY.isoformat()}, format="json").status_code == 200
    assert api.post(url, {}, format="json").status_code == 400


def test_another_streets_secretary_cannot_see_or_end_a_membership(api, two_streets, secretary_of):
    membership = Membership.objects.get(unit=two_streets["petro"])
    api.force_authenticate(secretary_of(two_streets["tianqiao"]))
    assert api.get(f"/api/v1/memberships/{membership.pk}/").status_code == 404
    assert api.post(f"/api/v1/memberships/{membership.pk}/end/", {}, format="json").status_code == 404
    assert Membership.objects.get(pk=membership.pk).until is None


def test_a_liaison_sees_its_units_membership_but_cannot_end_it(api, two_streets, liaison_of):
    liaison = liaison_of(two_streets["petro"], two_streets["beixinqiao"])
    membership = Membership.objects.get(unit=two_streets["petro"])
    api.force_authenticate(liaison)
    assert api.get(f"/api/v1/memberships/{membership.pk}/").status_code == 200
    assert api.post(f"/api/v1/memberships/{membership.pk}/end/", {}, format="json").status_code == 403
    assert api.patch(f"/api/v1/memberships/{membership.pk}/", {"role": "chair_unit"}).status_code == 403
    assert Membership.objects.get(pk=membership.pk).until is None


def test_a_secretary_seats_a_liaison_who_then_acts_for_the_unit_until_the_seat_ends(
    api, two_streets, secretary_of
):
    person = UserFactory(name="李红", registered_by=two_streets["beixinqiao"])
    api.force_authenticate(secretary_of(two_streets["beixinqiao"]))
    seated = api.post(
        "/api/v1/seats/",
        {
            "committee": two_streets["beixinqiao"].pk,
            "user": person.pk,
            "role": "liaison",
            "unit": two_streets["petro"].pk,
            "position": "党群工作部干事",
        },
        format="json",
    )
    assert seated.status_code == 201 and seated.json()["person"] == "李红"
    assert scoping.scope_of(person).liaison_unit_ids == {two_streets["petro"].pk}
    pk = seated.json()["id"]

    renamed = api.patch(f"/api/v1/seats/{pk}/", {"position": "党委办公室主任"}, format="json")
    ended = api.post(f"/api/v1/seats/{pk}/end/", {}, format="json")

    assert renamed.json()["position"] == "党委办公室主任" and ended.json()["until"] == TODAY.isoformat()
    scoping.forget_scope(person)
    tomorrow = Seat.objects.current(on=TODAY + datetime.timedelta(days=1)).filter(user=person)
    assert not tomorrow.exists()


def test_a_seat_for_someone_outside_the_subtree_or_a_liaison_without_a_unit_is_a_400(
    api, two_streets, secretary_of
):
    stranger = UserFactory(registered_by=two_streets["tianqiao"])
    colleague = UserFactory(registered_by=two_streets["beixinqiao"])
    api.force_authenticate(secretary_of(two_streets["beixinqiao"]))
    before = Seat.objects.count()
    outside = api.post(
        "/api/v1/seats/",
        {"committee": two_streets["beixinqiao"].pk, "user": stranger.pk, "role": "member"},
        format="json",
    )
    no_unit = api.post(
        "/api/v1/seats/",
        {"committee": two_streets["beixinqiao"].pk, "user": colleague.pk, "role": "liaison"},
        format="json",
    )
    assert outside.status_code == 400 and "user" in outside.json()
    assert no_unit.status_code == 400
    assert Seat.objects.count() == before


@pytest.fixture
def round_(two_streets, secretary_of, liaison_of):
    secretary = secretary_of(two_streets["beixinqiao"])
    opened = services.open_collection_round(
        committee=two_streets["beixinqiao"],
        by=secretary,
        title="2026年第四季度需求征集",
        opens_on=TODAY,
        closes_on=TODAY + datetime.timedelta(days=14),
    )
    return {
        "round": opened,
        "secretary": secretary,
        "liaison": liaison_of(two_streets["petro"], two_streets["beixinqiao"]),
        "request": CollectionRequest.objects.get(round=opened, unit=two_streets["petro"]),
    }


def test_a_liaison_answers_a_round_with_a_need(api, two_streets, round_):
    api.force_authenticate(round_["liaison"])
    response = api.post(
        "/api/v1/needs/",
        {
            "owner_unit": two_streets["petro"].pk,
            "committee": two_streets["beixinqiao"].pk,
            "category": Category.objects.get(code="care").pk,
            "title": "职工子女暑期托管",
            "quantity": 20,
            "measure": "people",
            "contact_name": "赵磊",
            "contact_phone": "13911112222",
            "collection_request": round_["request"].pk,
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["collection_request"] == round_["request"].pk
    asked = api.get(f"/api/v1/collection-requests/{round_['request'].pk}/").json()
    assert asked["answered_at"] is not None and asked["nothing_this_time"] is False
    assert Need.objects.get().collection_request_id == round_["request"].pk


def test_a_liaison_answers_nothing_this_time(api, round_):
    api.force_authenticate(round_["liaison"])
    response = api.post(f"/api/v1/collection-requests/{round_['request'].pk}/nothing-this-time/")
    assert response.status_code == 200 and response.json()["nothing_this_time"] is True
    assert CollectionRequest.objects.get(pk=round_["request"].pk).answered_by == round_["liaison"]


def test_another_units_request_is_404_by_id_and_400_in_a_body(api, two_streets, round_, liaison_of):
    theatre_liaison = liaison_of(two_streets["theatre"], two_streets["tianqiao"])
    api.force_authenticate(theatre_liaison)
    pk = round_["request"].pk
    assert api.get("/api/v1/collection-requests/").json()["count"] == 0
    assert api.post(f"/api/v1/collection-requests/{pk}/nothing-this-time/").status_code == 404
    response = api.post(
        "/api/v1/needs/",
        {
            "owner_unit": two_streets["theatre"].pk,
            "committee": two_streets["tianqiao"].pk,
            "category": Category.objects.get(code="care").pk,
            "title": "剧场周边停车",
            "quantity": 1,
            "measure": "times",
            "contact_name": "赵磊",
            "contact_phone": "13911112222",
            "collection_request": pk,
        },
        format="json",
    )
    assert response.status_code == 400 and "collection_request" in response.json()
    assert CollectionRequest.objects.get(pk=pk).answered_at is None and not Need.objects.exists()


def test_a_request_is_answered_by_the_unit_it_was_sent_to(api, two_streets, round_):
    other = MembershipFactory(committee=two_streets["beixinqiao"], unit=MemberUnitFactory()).unit
    api.force_authenticate(round_["secretary"])
    response = api.post(
        "/api/v1/needs/",
        {
            "owner_unit": other.pk,
            "committee": two_streets["beixinqiao"].pk,
            "category": Category.objects.get(code="care").pk,
            "title": "职工子女暑期托管",
            "quantity": 20,
            "measure": "people",
            "contact_name": "赵磊",
            "contact_phone": "13911112222",
            "collection_request": round_["request"].pk,
        },
        format="json",
    )
    assert response.status_code == 400 and "collection_request" in response.json()
    assert not Need.objects.exists()


def test_the_secretary_lists_the_rounds_requests_but_nothing_this_time_is_the_units_answer(api, round_):
    api.force_authenticate(round_["secretary"])
    listed = api.get("/api/v1/collection-requests/", {"round": round_["round"].pk}).json()
    assert listed["count"] == CollectionRequest.objects.filter(round=round_["round"]).count() == 1
    response = api.post(f"/api/v1/collection-requests/{round_['request'].pk}/nothing-this-time/")
    assert response.status_code == 403
    assert CollectionRequest.objects.get(pk=round_["request"].pk).answered_at is None
