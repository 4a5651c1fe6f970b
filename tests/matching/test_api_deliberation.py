"""Meetings, agenda decisions, comments and votes over REST: the deliberation services, the same scoping."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from committees.models import Need, Project, Resource, Seat
from matching.models import AgendaItem, Comment, MatchingRun, Meeting, Proposal, RulesOfProcedure, Vote
from matching.pipeline import deliberate, runs
from tests.factories import SeatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def topic(area, publish, liaison_of, django_capture_on_commit_callbacks):
    """A need of a unit in 民安社区 proposed with a resource of a unit in 九道湾社区; 北新桥街道 decides."""
    need = publish(Need, area["minan"], quantity=4, title="独居老人助餐")
    resource = publish(Resource, area["jiudaowan"], quantity=6, title="社区食堂助餐")
    run = MatchingRun.objects.create(committee=area["beixinqiao"], scope_code="110101005")
    with django_capture_on_commit_callbacks(execute=True):
        runs.execute(run.pk)
    return {
        "proposal": Proposal.objects.get(),
        "need_liaison": liaison_of(need.owner_unit, area["minan"]),
        "provider_liaison": liaison_of(resource.owner_unit, area["jiudaowan"]),
    }


def both_accept(topic):
    deliberate.answer(topic["proposal"], by=topic["need_liaison"], accept=True)
    deliberate.answer(topic["proposal"], by=topic["provider_liaison"], accept=True)


def schedule(api, committee, **fields):
    body = {"committee": committee.pk, "title": "第四季度全体会议", "held_on": "2026-12-10", **fields}
    return api.post("/api/v1/meetings/", body, format="json")


def test_a_meeting_decision_over_the_api_approves_the_topic_and_forms_the_project(
    api, area, topic, secretary_of
):
    RulesOfProcedure.objects.create(committee=area["beixinqiao"], approval="meeting")
    both_accept(topic)
    api.force_authenticate(secretary_of(area["beixinqiao"]))

    meeting = schedule(
        api, area["beixinqiao"], place="街道工委会议室", held_on=timezone.localdate().isoformat()
    )
    item = api.post(
        "/api/v1/agenda-items/",
        {"meeting": meeting.json()["id"], "proposal": topic["proposal"].pk},
        format="json",
    )
    held = api.post(f"/api/v1/meetings/{meeting.json()['id']}/held/", {"minutes": "同意立项"}, format="json")
    assert held.status_code == 200 and held.json()["is_held"] is True
    decided = api.post(
        f"/api/v1/agenda-items/{item.json()['id']}/decide/", {"decision": "approved"}, format="json"
    )

    assert (meeting.status_code, item.status_code, decided.status_code) == (201, 201, 200)
    assert decided.json()["decision"] == "approved"
    proposal = Proposal.objects.get()
    assert proposal.status == "confirmed" and Project.objects.filter(pk=proposal.project_id).exists()
    assert api.get(f"/api/v1/meetings/{meeting.json()['id']}/").json()["agenda"] == [item.json()["id"]]


def test_scheduling_tells_the_attendees(api, area, secretary_of):
    secretary = secretary_of(area["beixinqiao"])
    chair = SeatFactory(committee=area["beixinqiao"], role=Seat.Role.CHAIR).user
    api.force_authenticate(secretary)
    response = schedule(api, area["beixinqiao"], attendees=[chair.pk])
    assert response.status_code == 201 and response.json()["attendees"] == [chair.pk]
    [told] = chair.notifications.values_list("message", flat=True)
    assert "第四季度全体会议" in told and "2026-12-10" in told


def test_a_meeting_of_another_streets_committee_is_a_400_and_nothing_is_created(api, area, secretary_of):
    api.force_authenticate(secretary_of(area["beixinqiao"]))
    response = schedule(api, area["desheng"])
    assert response.status_code == 400 and "committee" in response.json()
    assert not Meeting.objects.exists()


def test_an_attendee_outside_the_subtree_is_a_400(api, area, secretary_of):
    outsider = SeatFactory(committee=area["desheng"], role=Seat.Role.MEMBER).user
    api.force_authenticate(secretary_of(area["beixinqiao"]))
    response = schedule(api, area["beixinqiao"], attendees=[outsider.pk])
    assert response.status_code == 400 and "attendees" in response.json()
    assert not Meeting.objects.exists()


def test_a_rejection_needs_a_reason_and_changes_nothing_without_one(api, area, topic, secretary_of):
    RulesOfProcedure.objects.create(committee=area["beixinqiao"], approval="meeting")
    meeting = Meeting.objects.create(
        committee=area["beixinqiao"], title="主任碰头会", held_on=timezone.localdate(), is_held=True
    )
    item = AgendaItem.objects.create(meeting=meeting, proposal=topic["proposal"])
    api.force_authenticate(secretary_of(area["beixinqiao"]))

    response = api.post(f"/api/v1/agenda-items/{item.pk}/decide/", {"decision": "rejected"}, format="json")

    assert response.status_code == 400 and "reason" in response.json()
    assert AgendaItem.objects.get().decision == "pending" and Proposal.objects.get().status == "proposed"


def test_a_topic_of_another_committee_cannot_go_on_the_agenda(api, area, topic, secretary_of):
    meeting = Meeting.objects.create(committee=area["minan"], title="社区会议", held_on="2026-12-01")
    api.force_authenticate(secretary_of(area["beixinqiao"]))
    response = api.post(
        "/api/v1/agenda-items/", {"meeting": meeting.pk, "proposal": topic["proposal"].pk}, format="json"
    )
    assert response.status_code == 400 and "proposal" in response.json()
    assert not AgendaItem.objects.exists()


def test_another_streets_secretary_sees_no_meeting_and_cannot_decide(api, area, topic, secretary_of):
    meeting = Meeting.objects.create(committee=area["beixinqiao"], title="全体会议", held_on="2026-12-01")
    item = AgendaItem.objects.create(meeting=meeting, proposal=topic["proposal"])
    api.force_authenticate(secretary_of(area["desheng"]))

    assert api.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    response = api.post(f"/api/v1/agenda-items/{item.pk}/decide/", {"decision": "approved"}, format="json")

    assert response.status_code == 404
    assert AgendaItem.objects.get().decision == "pending" and Proposal.objects.get().status == "proposed"


def test_a_liaison_reads_its_committees_meetings_but_cannot_decide(api, area, topic):
    meeting = Meeting.objects.create(committee=area["minan"], title="民安社区议事会", held_on="2026-12-01")
    liaison = topic["need_liaison"]  # a liaison seat on 民安社区
    api.force_authenticate(liaison)
    assert [row["id"] for row in api.get("/api/v1/meetings/").json()["results"]] == [meeting.pk]
    assert schedule(api, area["minan"]).status_code == 400


def test_members_comment_and_vote_online_and_the_majority_decides(api, area, topic):
    RulesOfProcedure.objects.create(committee=area["beixinqiao"], approval="vote", quorum_percent=100)
    chair = SeatFactory(committee=area["beixinqiao"], role=Seat.Role.CHAIR).user
    member = SeatFactory(committee=area["beixinqiao"], role=Seat.Role.MEMBER).user
    pk = topic["proposal"].pk

    api.force_authenticate(chair)
    assert [row["id"] for row in api.get("/api/v1/topics/").json()["results"]] == [pk]
    comment = api.post(f"/api/v1/topics/{pk}/comments/", {"text": "供需双方距离近，建议同意"}, format="json")
    first = api.post(f"/api/v1/topics/{pk}/vote/", {"choice": "for"}, format="json")
    api.force_authenticate(member)
    second = api.post(f"/api/v1/topics/{pk}/vote/", {"choice": "for"}, format="json")

    assert comment.status_code == 201 and comment.json()["text"] == "供需双方距离近，建议同意"
    assert first.json() == {
        "seats": 2,
        "cast": 1,
        "votes_for": 1,
        "against": 0,
        "abstain": 0,
        "quorum_reached": False,
        "majority_for": True,
    }
    assert second.json()["quorum_reached"] is True
    assert Proposal.objects.get().committee_decision == "approved"
    assert [row["text"] for row in api.get(f"/api/v1/topics/{pk}/comments/").json()] == [
        "供需双方距离近，建议同意"
    ]


def test_a_second_vote_is_a_400_and_counts_once(api, area, topic):
    RulesOfProcedure.objects.create(committee=area["beixinqiao"], approval="vote", quorum_percent=100)
    member = SeatFactory(committee=area["beixinqiao"], role=Seat.Role.MEMBER).user
    SeatFactory(committee=area["beixinqiao"], role=Seat.Role.MEMBER)
    api.force_authenticate(member)
    url = f"/api/v1/topics/{topic['proposal'].pk}/vote/"
    assert api.post(url, {"choice": "for"}, format="json").status_code == 200
    assert api.post(url, {"choice": "against"}, format="json").status_code == 400
    assert list(Vote.objects.values_list("choice", flat=True)) == ["for"]


def test_a_member_of_another_committee_sees_no_topic_and_cannot_vote_or_comment(api, area, topic):
    RulesOfProcedure.objects.create(committee=area["beixinqiao"], approval="vote")
    outsider = SeatFactory(committee=area["desheng"], role=Seat.Role.MEMBER).user
    api.force_authenticate(outsider)
    pk = topic["proposal"].pk
    assert api.get("/api/v1/topics/").json()["count"] == 0
    assert api.post(f"/api/v1/topics/{pk}/vote/", {"choice": "for"}, format="json").status_code == 404
    assert api.post(f"/api/v1/topics/{pk}/comments/", {"text": "同意"}, format="json").status_code == 404
    assert not Vote.objects.exists() and not Comment.objects.exists()


def test_a_vote_where_the_secretary_decides_is_a_400(api, area, topic):
    member = SeatFactory(committee=area["beixinqiao"], role=Seat.Role.MEMBER).user
    api.force_authenticate(member)
    response = api.post(f"/api/v1/topics/{topic['proposal'].pk}/vote/", {"choice": "for"}, format="json")
    assert response.status_code == 400
    assert not Vote.objects.exists()


def test_a_meeting_not_yet_held_decides_nothing(api, area, topic, secretary_of):
    """Issue 12, item 9: a decision recorded on the agenda of a meeting dated ahead confirmed the project at once."""
    RulesOfProcedure.objects.create(committee=area["beixinqiao"], approval="meeting")
    both_accept(topic)
    api.force_authenticate(secretary_of(area["beixinqiao"]))
    ahead = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    meeting = schedule(api, area["beixinqiao"], held_on=ahead).json()
    item = api.post(
        "/api/v1/agenda-items/", {"meeting": meeting["id"], "proposal": topic["proposal"].pk}, format="json"
    )

    decided = api.post(
        f"/api/v1/agenda-items/{item.json()['id']}/decide/", {"decision": "approved"}, format="json"
    )
    held = api.post(f"/api/v1/meetings/{meeting['id']}/held/", {}, format="json")

    assert decided.status_code == 400 and "decision" in decided.json()
    assert held.status_code == 400 and "is_held" in held.json()
    assert AgendaItem.objects.get().decision == "pending"
    assert Proposal.objects.get().status == "accepted" and not Project.objects.exists()
