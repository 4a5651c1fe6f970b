"""Matching over REST: start a run (202), read it; answer and decide topics; scoped like everything else."""

import pytest
from rest_framework.test import APIClient

from committees.models import Need, Resource
from matching.models import MatchingRun, Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def pair(area, publish, liaison_of):
    need = publish(Need, area["minan"], title="独居老人助餐")
    resource = publish(Resource, area["jiudaowan"], title="社区食堂助餐")
    return {
        "need_liaison": liaison_of(need.owner_unit, area["minan"]),
        "provider_liaison": liaison_of(resource.owner_unit, area["jiudaowan"]),
    }


def test_a_secretary_starts_a_run_and_gets_202_with_the_run(
    api, area, pair, secretary_of, django_capture_on_commit_callbacks
):
    api.force_authenticate(secretary_of(area["beixinqiao"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/matching-runs/", {"committee": area["beixinqiao"].pk}, format="json")
    assert response.status_code == 202
    run = api.get(f"/api/v1/matching-runs/{response.json()['id']}/").json()
    assert run["status"] == "done" and run["counts"]["proposals"] == 1


def test_a_run_over_another_district_is_a_400(api, area, secretary_of):
    api.force_authenticate(secretary_of(area["beixinqiao"]))
    response = api.post("/api/v1/matching-runs/", {"committee": area["desheng"].pk}, format="json")
    assert response.status_code == 400 and "committee" in response.json()
    assert not MatchingRun.objects.exists()


def test_both_sides_accept_and_the_secretary_approves_over_the_api(api, area, pair, secretary_of):
    MatchingRun.objects.create(committee=area["beixinqiao"], scope_code="110101005")
    from matching.pipeline import runs

    runs.execute(MatchingRun.objects.get().pk)
    pk = Proposal.objects.get().pk
    for user in (pair["need_liaison"], pair["provider_liaison"]):
        api.force_authenticate(user)
        assert api.post(f"/api/v1/proposals/{pk}/accept/", {}, format="json").status_code == 200
    api.force_authenticate(secretary_of(area["beixinqiao"]))
    body = api.post(f"/api/v1/proposals/{pk}/approve/", {}, format="json").json()
    assert body["status"] == "confirmed" and body["project"] is not None


def test_a_decline_without_a_reason_is_a_400_and_another_unit_sees_no_topic(
    api, area, pair, liaison_of, publish
):
    from matching.pipeline import runs

    runs.execute(MatchingRun.objects.create(committee=area["beixinqiao"], scope_code="110101005").pk)
    pk = Proposal.objects.get().pk
    api.force_authenticate(pair["need_liaison"])
    assert api.post(f"/api/v1/proposals/{pk}/decline/", {}, format="json").status_code == 400
    stranger = liaison_of(publish(Need, area["zhaojialou"]).owner_unit, area["zhaojialou"])
    api.force_authenticate(stranger)
    assert api.get("/api/v1/proposals/").json()["count"] == 0
    assert api.post(f"/api/v1/proposals/{pk}/accept/", {}, format="json").status_code == 404
    assert Proposal.objects.get().need_side == "pending"
