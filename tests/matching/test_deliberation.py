"""Deliberate and confirm: two-way consent, each rule of procedure, meetings, expiry, compliance, forbidden cases."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from committees import scoping
from committees.models import Need, Notification, Project, Resource, Seat
from config.exceptions import InvalidTransition
from matching import meetings
from matching.models import AgendaItem, Decision, MatchingRun, Meeting, Proposal, RulesOfProcedure
from matching.pipeline import confirm, deliberate, runs
from tests.factories import SeatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(area, publish, liaison_of, django_capture_on_commit_callbacks):
    """A need of a unit in 民安社区 (4 people) proposed with a resource of a unit in 九道湾社区 (6)."""
    need = publish(Need, area["minan"], quantity=4, title="独居老人助餐")
    resource = publish(Resource, area["jiudaowan"], quantity=6, title="社区食堂助餐")
    run = MatchingRun.objects.create(committee=area["beixinqiao"], scope_code="110101005")
    with django_capture_on_commit_callbacks(execute=True):
        runs.execute(run.pk)
    proposal = Proposal.objects.get()
    return {
        "proposal": proposal,
        "need": need,
        "resource": resource,
        "need_liaison": liaison_of(need.owner_unit, area["minan"]),
        "provider_liaison": liaison_of(resource.owner_unit, area["jiudaowan"]),
    }


def both_accept(topic):
    deliberate.answer(topic["proposal"], by=topic["need_liaison"], accept=True)
    deliberate.answer(topic["proposal"], by=topic["provider_liaison"], accept=True)


def test_a_proposal_is_a_topic_of_the_lowest_committee_holding_both_sides(topic, area):
    proposal = topic["proposal"]
    assert proposal.committee == area["beixinqiao"]
    assert round((proposal.expires_at - proposal.created_at).total_seconds() / 86400) == 30


def test_both_sides_are_notified_in_the_app(topic):
    people = {topic["need_liaison"], topic["provider_liaison"]}
    Notification.objects.filter(user__in=people).delete()
    deliberate.notify_new_topics(topic["proposal"].run_id)
    assert Notification.objects.filter(user__in=people).count() == 2


def test_by_the_secretarys_rule_both_accept_and_the_secretary_approves_a_project_is_formed(
    topic, area, secretary_of
):
    both_accept(topic)
    deliberate.decide(topic["proposal"], by=secretary_of(area["beixinqiao"]), approve=True)
    proposal = Proposal.objects.get()
    need, resource = Need.objects.get(), Resource.objects.get()
    assert proposal.status == "confirmed" and proposal.project is not None
    assert (need.allocated_quantity, need.status) == (4, "fulfilled")
    assert (resource.allocated_quantity, resource.status) == (4, "partly_allocated")
    for liaison in (topic["need_liaison"], topic["provider_liaison"]):
        scoping.forget_scope(liaison)
        assert proposal.project in scoping.projects_for(liaison)


def test_a_decline_needs_a_reason_ends_the_topic_and_frees_the_quantity(topic, area, publish):
    with pytest.raises(ValidationError):
        deliberate.answer(topic["proposal"], by=topic["provider_liaison"], accept=False)
    deliberate.answer(topic["proposal"], by=topic["provider_liaison"], accept=False, reason="食堂人手不足")
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.reason) == ("declined", "食堂人手不足")
    second = MatchingRun.objects.create(committee=area["beixinqiao"], scope_code="110101005")
    runs.execute(second.pk)
    again = second.proposals.get()
    assert again.quantity == 4 and again.score_parts["declined_before"] == 1.0


def test_a_liaison_cannot_answer_for_another_unit(topic, area, liaison_of, publish):
    stranger = liaison_of(publish(Need, area["minan"]).owner_unit, area["minan"])
    with pytest.raises(PermissionDenied):
        deliberate.answer(topic["proposal"], by=stranger, accept=True)
    proposal = Proposal.objects.get(pk=topic["proposal"].pk)
    assert (proposal.need_side, proposal.provider_side) == ("pending", "pending")


def test_an_online_vote_decides_once_the_quorum_is_reached(topic, area):
    RulesOfProcedure.objects.create(
        committee=area["beixinqiao"], approval="vote", quorum_percent=50, majority_percent=50
    )
    members = [
        SeatFactory(committee=area["beixinqiao"], role=role).user
        for role in (Seat.Role.CHAIR, Seat.Role.VICE_CHAIR, Seat.Role.MEMBER, Seat.Role.MEMBER)
    ]
    both_accept(topic)
    deliberate.vote(topic["proposal"], by=members[0], choice="for")
    assert Proposal.objects.get().committee_decision == "pending"  # 1 of 4 seats: no quorum
    deliberate.vote(topic["proposal"], by=members[1], choice="for")
    proposal = Proposal.objects.get()
    assert (proposal.committee_decision, proposal.status) == ("approved", "confirmed")


def test_an_online_vote_against_rejects_the_topic(topic, area):
    RulesOfProcedure.objects.create(
        committee=area["beixinqiao"], approval="vote", quorum_percent=50, majority_percent=50
    )
    members = [SeatFactory(committee=area["beixinqiao"], role=Seat.Role.MEMBER).user for _ in range(2)]
    deliberate.vote(topic["proposal"], by=members[0], choice="against")
    proposal = Proposal.objects.get()
    assert (proposal.committee_decision, proposal.status) == ("rejected", "rejected")


def test_a_member_of_another_committee_cannot_vote(topic, area):
    RulesOfProcedure.objects.create(committee=area["beixinqiao"], approval="vote")
    outsider = SeatFactory(committee=area["jianguomen"], role=Seat.Role.MEMBER).user
    with pytest.raises(PermissionDenied):
        deliberate.vote(topic["proposal"], by=outsider, choice="for")
    assert not topic["proposal"].votes.exists()


def test_no_one_votes_twice(topic, area):
    RulesOfProcedure.objects.create(committee=area["beixinqiao"], approval="vote", quorum_percent=100)
    member = SeatFactory(committee=area["beixinqiao"], role=Seat.Role.MEMBER).user
    SeatFactory(committee=area["beixinqiao"], role=Seat.Role.MEMBER)
    deliberate.vote(topic["proposal"], by=member, choice="for")
    with pytest.raises(ValidationError):
        deliberate.vote(topic["proposal"], by=member, choice="against")


def test_where_only_a_meeting_decides_the_secretary_cannot(topic, area, secretary_of):
    RulesOfProcedure.objects.create(committee=area["beixinqiao"], approval="meeting")
    with pytest.raises(InvalidTransition):
        deliberate.decide(topic["proposal"], by=secretary_of(area["beixinqiao"]), approve=True)
    assert Proposal.objects.get().committee_decision == "pending"


def test_a_meeting_decision_approves_and_the_project_follows(topic, area, secretary_of):
    RulesOfProcedure.objects.create(committee=area["beixinqiao"], approval="meeting")
    both_accept(topic)
    meeting = Meeting.objects.create(
        committee=area["beixinqiao"],
        kind="plenary",
        title="第一次全体会议",
        held_on=timezone.localdate(),
        is_held=True,
    )
    item = AgendaItem.objects.create(meeting=meeting, proposal=topic["proposal"])
    meetings.record_meeting_decision(item, by=secretary_of(area["beixinqiao"]), decision=Decision.APPROVED)
    assert Proposal.objects.get().status == "confirmed" and Project.objects.count() == 1


def test_a_meeting_may_postpone_or_reject_with_a_reason(topic, area, secretary_of):
    meeting = Meeting.objects.create(
        committee=area["beixinqiao"], title="碰头会", kind="chair", held_on=timezone.localdate(), is_held=True
    )
    item = AgendaItem.objects.create(meeting=meeting, proposal=topic["proposal"])
    secretary = secretary_of(area["beixinqiao"])
    meetings.record_meeting_decision(item, by=secretary, decision=Decision.DEFERRED, note="待补充材料")
    assert Proposal.objects.get().status == "proposed"
    with pytest.raises(ValidationError):
        meetings.record_meeting_decision(item, by=secretary, decision=Decision.REJECTED)
    meetings.record_meeting_decision(
        item, by=secretary, decision=Decision.REJECTED, note="不在本委员会职责范围"
    )
    assert Proposal.objects.get().status == "rejected"


def test_another_streets_secretary_cannot_record_a_decision(topic, area, secretary_of):
    meeting = Meeting.objects.create(committee=area["beixinqiao"], title="会议", held_on=timezone.localdate())
    item = AgendaItem.objects.create(meeting=meeting, proposal=topic["proposal"])
    with pytest.raises(PermissionDenied):
        meetings.record_meeting_decision(
            item, by=secretary_of(area["jianguomen"]), decision=Decision.APPROVED
        )
    assert Proposal.objects.get().committee_decision == "pending"


def test_confirming_twice_forms_one_project(topic, area, secretary_of):
    both_accept(topic)
    deliberate.decide(topic["proposal"], by=secretary_of(area["beixinqiao"]), approve=True)
    first = Proposal.objects.get().project
    assert confirm.confirm(topic["proposal"].pk) == first
    assert Project.objects.count() == 1 and Resource.objects.get().allocated_quantity == 4


def test_confirmation_refuses_more_than_is_left_with_a_clear_error(topic, area, secretary_of):
    Resource.objects.filter(pk=topic["resource"].pk).update(allocated_quantity=5)  # 1 left of 6
    both_accept(topic)
    with pytest.raises(confirm.CapacityError) as error:
        deliberate.decide(topic["proposal"], by=secretary_of(area["beixinqiao"]), approve=True)
    assert "社区食堂助餐" in str(error.value.messages)
    assert not Project.objects.exists() and Resource.objects.get().allocated_quantity == 5


def test_undecided_topics_expire_and_free_the_quantity(topic, area):
    later = topic["proposal"].expires_at + datetime.timedelta(minutes=1)
    assert deliberate.expire_undecided(now=later) == 1
    assert deliberate.expire_undecided(now=later) == 0
    assert Proposal.objects.get().status == "expired"
    second = MatchingRun.objects.create(committee=area["beixinqiao"], scope_code="110101005")
    runs.execute(second.pk)
    assert second.proposals.get().quantity == 4


@pytest.mark.parametrize(("plenaries", "flagged"), [(1, True), (2, False)])
def test_committees_with_fewer_than_two_plenaries_are_flagged_and_reminded(
    area, secretary_of, plenaries, flagged
):
    secretary = secretary_of(area["beixinqiao"])
    secretary.email = "bxq@example.cn"
    secretary.save()
    year = timezone.localdate().year
    for n in range(plenaries):
        Meeting.objects.create(
            committee=area["beixinqiao"],
            kind="plenary",
            title=f"全体会议{n}",
            held_on=datetime.date(year, 3 + n, 1),
            is_held=True,
        )
    Meeting.objects.create(
        committee=area["beixinqiao"],
        kind="chair",
        title="碰头会",
        held_on=datetime.date(year, 5, 1),
        is_held=True,
    )
    behind = meetings.committees_behind(area["beixinqiao"].__class__.objects.filter(pk=area["beixinqiao"].pk))
    assert behind.exists() is flagged
    mail.outbox.clear()
    meetings.remind_committees_behind(year)
    reminded = Notification.objects.filter(user=secretary).exists()
    assert reminded is flagged


def test_the_secretary_dashboard_flags_the_committee_behind(client, area, secretary_of):
    client.force_login(secretary_of(area["beixinqiao"]))
    page = client.get(reverse("admin:index")).content.decode()
    assert "北新桥街道" in page and "全体会议" in page


def test_the_printable_agenda_lists_topics_and_decisions(client, topic, area, secretary_of):
    meeting = Meeting.objects.create(
        committee=area["beixinqiao"],
        title="第二次全体会议",
        held_on=timezone.localdate(),
        place="北新桥街道党群服务中心",
        minutes="会议纪要",
    )
    AgendaItem.objects.create(meeting=meeting, proposal=topic["proposal"], decision="deferred", note="待补充")
    client.force_login(secretary_of(area["beixinqiao"]))
    page = client.get(reverse("admin:matching_meeting_print", args=[meeting.pk])).content.decode()
    assert "第二次全体会议" in page and "独居老人助餐" in page and "待补充" in page and "会议纪要" in page


def test_the_liaison_answers_on_its_page_and_a_decline_without_reason_is_refused(client, topic):
    client.force_login(topic["need_liaison"])
    url = reverse("proposal_answer", args=[topic["proposal"].pk])
    assert client.post(url, {"accept": "no", "reason": ""}).status_code == 200
    assert Proposal.objects.get().need_side == "pending"
    assert client.post(url, {"accept": "yes"}).status_code == 302
    assert Proposal.objects.get().need_side == "accepted"


def test_a_seat_holder_comments_and_votes_on_the_topic_page(client, topic, area):
    RulesOfProcedure.objects.create(committee=area["beixinqiao"], approval="vote", quorum_percent=100)
    member = SeatFactory(committee=area["beixinqiao"], role=Seat.Role.MEMBER).user
    SeatFactory(committee=area["beixinqiao"], role=Seat.Role.CHAIR)
    client.force_login(member)
    url = reverse("topic", args=[topic["proposal"].pk])
    client.post(url, {"comment": "1", "text": "建议先试点一个月"})
    client.post(url, {"vote": "1", "choice": "for"})
    page = client.get(url).content.decode()
    assert "建议先试点一个月" in page and topic["proposal"].votes.count() == 1


def test_an_outsider_cannot_open_the_topic_page(client, topic, area):
    client.force_login(SeatFactory(committee=area["jianguomen"], role=Seat.Role.MEMBER).user)
    assert client.get(reverse("topic", args=[topic["proposal"].pk])).status_code == 404


def test_where_members_vote_online_they_are_told_of_new_topics(
    area, publish, django_capture_on_commit_callbacks
):
    RulesOfProcedure.objects.create(committee=area["beixinqiao"], approval="vote")
    member = SeatFactory(committee=area["beixinqiao"], role=Seat.Role.MEMBER).user
    publish(Need, area["minan"], title="助餐")
    publish(Resource, area["jiudaowan"], title="助餐")
    run = MatchingRun.objects.create(committee=area["beixinqiao"], scope_code="110101005")
    with django_capture_on_commit_callbacks(execute=True):
        runs.execute(run.pk)
    assert Notification.objects.filter(user=member, url=reverse("topics")).count() == 1


def test_a_secretary_records_an_answer_on_a_units_behalf_naming_the_side(topic, area, secretary_of):
    secretary = secretary_of(area["beixinqiao"])
    with pytest.raises(PermissionDenied):
        deliberate.answer(topic["proposal"], by=secretary, accept=True)  # which side? both are in the subtree
    deliberate.answer(topic["proposal"], by=secretary, accept=True, side="need")
    assert Proposal.objects.get().need_side == "accepted"


def test_another_streets_secretary_cannot_answer_for_either_side(topic, area, secretary_of):
    with pytest.raises(PermissionDenied):
        deliberate.answer(topic["proposal"], by=secretary_of(area["jianguomen"]), accept=True, side="need")
    assert Proposal.objects.get().need_side == "pending"
