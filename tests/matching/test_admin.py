"""The pipeline in the secretaries' admin: 立即匹配, runs and proposals scoped, reasons in Chinese."""

import pytest
from django.urls import reverse

from committees.models import Need, Resource
from matching.models import MatchingRun, Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(client, area, secretary_of):
    user = secretary_of(area["beixinqiao"])
    client.force_login(user)
    return user


def test_match_now_from_the_admin_runs_and_shows_reasons_in_chinese(
    client, secretary, area, publish, django_capture_on_commit_callbacks
):
    publish(Need, area["minan"], title="社区老年人健康义诊")
    publish(Resource, area["jiudaowan"], title="医院志愿者健康义诊")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:matching_matchingrun_add"), {"committee": area["beixinqiao"].pk}
        )
    run = MatchingRun.objects.get()
    assert response.status_code == 302
    assert run.status == "done" and run.counts["proposals"] == 1
    proposal = Proposal.objects.get()
    page = client.get(reverse("admin:matching_proposal_change", args=[proposal.pk])).content.decode()
    assert "同一街道" in page and "义诊" in page


def test_a_secretary_cannot_start_a_run_for_another_district(client, secretary, area):
    response = client.post(reverse("admin:matching_matchingrun_add"), {"committee": area["desheng"].pk})
    assert response.status_code == 200  # the form, with "not a valid choice"
    assert not MatchingRun.objects.exists()


def test_runs_and_proposals_of_other_districts_are_invisible(
    client, secretary, area, publish, django_capture_on_commit_callbacks
):
    publish(Need, area["liupukang"])
    publish(Resource, area["liupukang"])
    other = MatchingRun.objects.create(committee=area["desheng"], scope_code=area["desheng"].area_code)
    from matching.pipeline import runs

    runs.execute(other.pk)
    assert client.get(reverse("admin:matching_matchingrun_change", args=[other.pk])).status_code in (302, 404)
    page = client.get(reverse("admin:matching_proposal_changelist")).content.decode()
    assert Proposal.objects.count() == 1 and 'id="result_list"' not in page
    assert client.get(
        reverse("admin:matching_proposal_change", args=[Proposal.objects.get().pk])
    ).status_code in (302, 404)


def test_the_committee_list_offers_match_now(client, secretary, area, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:committees_committee_changelist"),
            {
                "action": "start_matching_action",
                "_selected_action": [area["beixinqiao"].pk, area["desheng"].pk],
            },
        )
    assert list(MatchingRun.objects.values_list("scope_code", flat=True)) == ["110101005"]


@pytest.mark.parametrize("pairs", [2, 20])
def test_the_proposal_list_keeps_a_bounded_query_count(
    client, secretary, area, publish, pairs, django_assert_max_num_queries
):
    for i in range(pairs):
        publish(Need, area["minan"], title=f"需要义诊{i}")
        publish(Resource, area["jiudaowan"], title=f"提供义诊{i}")
    from matching.pipeline import runs

    runs.execute(MatchingRun.objects.create(scope_code="110101005", committee=area["beixinqiao"]).pk)
    assert Proposal.objects.count() == pairs
    with django_assert_max_num_queries(14):
        page = client.get(reverse("admin:matching_proposal_changelist")).content.decode()
    assert "需要义诊0" in page
