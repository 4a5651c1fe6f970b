"""The secretary's pages: the run's page as a Chinese table that refreshes itself and links to its proposals;
同意 / 不同意 (with reason) on the topic's page through deliberate.decide; the message after approving."""

import json

import pytest
from django.urls import reverse

from committees.models import Need, Resource
from matching.models import Answer, Decision, MatchingRun, Proposal
from matching.pipeline import deliberate, runs

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(area, publish):
    publish(Need, area["minan"], title="社区老年人健康义诊")
    publish(Resource, area["jiudaowan"], title="医院志愿者健康义诊")
    run = MatchingRun.objects.create(scope_code=area["beixinqiao"].area_code, committee=area["beixinqiao"])
    return run


def test_the_run_page_is_a_chinese_table_and_its_status_url_turns_done(client, area, run, secretary_of):
    client.force_login(secretary_of(area["beixinqiao"]))
    page = client.get(reverse("admin:matching_matchingrun_change", args=[run.pk])).content.decode()
    assert "等待中" in page and "run_status.js" in page and 'data-run-active="1"' in page
    status_url = reverse("admin:matching_matchingrun_status", args=[run.pk])
    assert status_url in page
    assert json.loads(client.get(status_url).content)["active"] is True

    runs.execute(run.pk)
    data = json.loads(client.get(status_url).content)
    assert data["active"] is False and data["status"] == "done"
    assert "已完成" in data["html"] and "候选" in data["html"] and "{" not in data["html"]
    proposals_url = reverse("admin:matching_proposal_changelist") + f"?run={run.pk}"
    assert f'href="{proposals_url}"' in data["html"]
    listing = client.get(reverse("admin:matching_proposal_changelist"), {"run": run.pk})
    assert listing.status_code == 200 and "社区老年人健康义诊" in listing.content.decode()


def test_another_districts_secretary_gets_404_for_the_status(client, area, run, secretary_of):
    client.force_login(secretary_of(area["desheng"]))
    assert client.get(reverse("admin:matching_matchingrun_status", args=[run.pk])).status_code == 404


@pytest.fixture
def accepted(area, run, liaison_of):
    runs.execute(run.pk)
    proposal = Proposal.objects.get()
    Proposal.objects.filter(pk=proposal.pk).update(
        need_side=Answer.ACCEPTED, provider_side=Answer.ACCEPTED, status=Proposal.Status.ACCEPTED
    )
    return proposal


def test_approving_from_the_topic_page_confirms_the_project_and_says_so(client, area, accepted, secretary_of):
    client.force_login(secretary_of(area["beixinqiao"]))
    page = client.get(reverse("admin:matching_proposal_change", args=[accepted.pk])).content.decode()
    decide_url = reverse("admin:matching_proposal_decide", args=[accepted.pk])
    assert decide_url in page and "同意" in page
    response = client.post(decide_url, {"approve": "yes", "reason": ""}, follow=True)
    accepted.refresh_from_db()
    assert accepted.status == Proposal.Status.CONFIRMED and accepted.project_id
    text = response.content.decode()
    assert "双方均接受后即确定为项目" not in text and accepted.project.title in text


def test_not_adopting_needs_a_reason_and_changes_nothing_without_one(client, area, accepted, secretary_of):
    client.force_login(secretary_of(area["beixinqiao"]))
    decide_url = reverse("admin:matching_proposal_decide", args=[accepted.pk])
    client.post(decide_url, {"approve": "no", "reason": " "})
    accepted.refresh_from_db()
    assert accepted.committee_decision == Decision.PENDING
    client.post(decide_url, {"approve": "no", "reason": "资源已另行安排"})
    accepted.refresh_from_db()
    assert accepted.status == Proposal.Status.REJECTED and accepted.reason == "资源已另行安排"


def test_a_secretary_of_another_district_cannot_decide(client, area, accepted, secretary_of):
    client.force_login(secretary_of(area["desheng"]))
    response = client.post(reverse("admin:matching_proposal_decide", args=[accepted.pk]), {"approve": "yes"})
    assert response.status_code == 404
    accepted.refresh_from_db()
    assert accepted.committee_decision == Decision.PENDING


def test_approval_before_the_sides_answer_says_the_project_waits(area, run, secretary_of):
    from matching.admin.topics import approval_message

    runs.execute(run.pk)
    decided = deliberate.decide(Proposal.objects.get(), by=secretary_of(area["beixinqiao"]), approve=True)
    assert "双方均接受后即确定为项目" in str(approval_message(decided))


def test_an_overseer_sees_the_topic_but_cannot_decide(client, area, accepted, overseer_of):
    client.force_login(overseer_of(area["dongcheng"]))
    page = client.get(reverse("admin:matching_proposal_change", args=[accepted.pk])).content.decode()
    assert reverse("admin:matching_proposal_decide", args=[accepted.pk]) not in page
    response = client.post(reverse("admin:matching_proposal_decide", args=[accepted.pk]), {"approve": "yes"})
    assert response.status_code == 403
    accepted.refresh_from_db()
    assert accepted.committee_decision == Decision.PENDING
