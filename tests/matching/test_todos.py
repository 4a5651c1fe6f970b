"""The liaison's and the secretary's to-do lists (matching.todos, committees.todos): items appear with their
deadline and one-tap link, leave the list when the thing is done, and the notification about it is marked done."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import Need, Notification, Project, Resource
from config.todo import todos_for
from matching.models import Decision, Evaluation, MatchingRun, Proposal
from matching.outcomes import evaluation, projects
from matching.pipeline import deliberate, runs

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(area, publish, liaison_of, django_capture_on_commit_callbacks):
    need = publish(Need, area["minan"], title="社区老年人健康义诊")
    resource = publish(Resource, area["jiudaowan"], title="医院志愿者健康义诊")
    need_liaison = liaison_of(need.owner_unit, area["minan"])
    provider_liaison = liaison_of(resource.owner_unit, area["jiudaowan"])
    with django_capture_on_commit_callbacks(execute=True):
        runs.execute(MatchingRun.objects.create(scope_code="110101", committee=area["dongcheng"]).pk)
    return {
        "need": need,
        "resource": resource,
        "proposal": need.proposals.get(),
        "need_liaison": need_liaison,
        "provider_liaison": provider_liaison,
    }


def test_a_proposal_to_answer_is_first_on_the_dashboard_and_leaves_once_answered(client, proposed):
    proposal, liaison = proposed["proposal"], proposed["need_liaison"]
    items = [item for item in todos_for(liaison) if item.kind == "proposals"]
    assert [item.url for item in items] == [reverse("proposal_answer", args=[proposal.pk])]
    assert proposed["resource"].owner_unit.name in items[0].detail  # the other side, named
    note = Notification.objects.get(user=liaison)
    assert note.url == reverse("proposal_answer", args=[proposal.pk]) and note.done_at is None

    client.force_login(liaison)
    page = client.get(reverse("home")).content.decode()
    assert page.index('id="todos"') < page.index("<h2>对接建议")  # the list comes before the cards

    client.post(reverse("proposal_answer", args=[proposal.pk]), {"accept": "yes"})
    assert not [item for item in todos_for(liaison) if item.kind == "proposals"]
    note.refresh_from_db()
    assert note.done_at is not None
    # The other side still has to answer: its item and notification stay.
    assert [item.kind for item in todos_for(proposed["provider_liaison"])] == ["proposals"]
    assert Notification.objects.get(user=proposed["provider_liaison"]).done_at is None


def test_a_decline_closes_the_topic_for_both_sides(proposed):
    deliberate.answer(proposed["proposal"], by=proposed["need_liaison"], accept=False, reason="时间冲突")
    assert todos_for(proposed["provider_liaison"]) == []


def test_the_secretary_sees_topics_ready_to_decide_and_deciding_removes_them(
    client, area, proposed, secretary_of
):
    secretary = secretary_of(area["beixinqiao"])
    proposal = proposed["proposal"]
    assert not [item for item in todos_for(secretary) if item.kind == "topics"]  # units have not answered
    deliberate.answer(proposal, by=proposed["need_liaison"], accept=True)
    deliberate.answer(proposal, by=proposed["provider_liaison"], accept=True)
    items = [item for item in todos_for(secretary) if item.kind == "topics"]
    assert [item.url for item in items] == [reverse("admin:matching_proposal_change", args=[proposal.pk])]

    client.force_login(secretary)
    page = client.get(reverse("admin:index")).content.decode()
    change_url = reverse("admin:matching_proposal_change", args=[proposal.pk])
    assert (
        page.index('id="todos"') < page.index(change_url) < page.index("dashboard-panel", page.index("todos"))
    )

    deliberate.decide(proposal, by=secretary, approve=True)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CONFIRMED
    assert not [item for item in todos_for(secretary) if item.kind == "topics"]
    # The liaisons are told the project is confirmed, with a link to it.
    note = Notification.objects.filter(user=proposed["need_liaison"]).first()
    assert note.url == reverse("project_detail", args=[proposal.project_id])


def test_a_late_project_is_on_both_lists_until_carried_over(area, project, people):
    Project.objects.filter(pk=project.pk).update(
        starts_on=timezone.localdate() - datetime.timedelta(days=20),
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    project.refresh_from_db()
    projects.remind_late_projects(timezone.localdate())
    lead = people["provider"] if project.lead_unit_id == project.allocations.get().provider_unit_id else None
    lead = lead or people["need"]
    late = [item for item in todos_for(lead) if item.kind == "projects"]
    assert late and late[0].overdue and "逾期" in late[0].title
    assert [item.kind for item in todos_for(people["secretary"]) if item.kind == "late"] == ["late"]
    assert Notification.objects.filter(user=lead, done_at__isnull=True).exists()

    projects.carry_over(
        project=project,
        by=lead,
        reason="天气原因",
        new_end=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert not [item for item in todos_for(people["secretary"]) if item.kind == "late"]
    assert not [item for item in todos_for(lead) if item.kind == "projects" and item.overdue]
    assert not Notification.objects.filter(user=lead, done_at__isnull=True, subject_id=project.pk).exists()


def test_evaluations_due_leave_the_list_side_by_side(area, project, people):
    projects.complete_project(project=project, by=people["secretary"])
    assert [i.kind for i in todos_for(people["need"]) if i.kind == "evaluations"] == ["evaluations"]
    assert [i.kind for i in todos_for(people["provider"]) if i.kind == "evaluations"] == ["evaluations"]
    assert Notification.objects.get(user=people["need"], done_at__isnull=True).url.endswith("#evaluate")

    evaluation.submit(project=project, by=people["need"], side=Evaluation.Side.NEED, score=5)
    assert not [i for i in todos_for(people["need"]) if i.kind == "evaluations"]
    assert [i.kind for i in todos_for(people["provider"]) if i.kind == "evaluations"] == ["evaluations"]
    assert not Notification.objects.filter(user=people["need"], done_at__isnull=True).exists()
    # The provider's invitation stays open, and it is asked again.
    assert Notification.objects.filter(user=people["provider"], done_at__isnull=True).count() == 2
    assert not todos_for(people["stranger"])


def test_a_collection_request_is_on_the_list_until_answered(area, liaison_of, secretary_of):
    from committees.services import rounds
    from tests.factories import MembershipFactory, MemberUnitFactory

    unit = MembershipFactory(committee=area["minan"], unit=MemberUnitFactory()).unit
    liaison = liaison_of(unit, area["minan"])
    secretary = secretary_of(area["minan"])
    today = timezone.localdate()
    round_ = rounds.open_collection_round(
        committee=area["minan"], by=secretary, title="三月征集", opens_on=today, closes_on=today
    )
    items = [item for item in todos_for(liaison) if item.kind == "collection"]
    assert len(items) == 1 and items[0].deadline == today
    rounds.answer_nothing_this_time(round_.requests.get(unit=unit), by=liaison)
    assert not [item for item in todos_for(liaison) if item.kind == "collection"]


def test_the_secretary_sees_meetings_to_hold(area, secretary_of):
    from matching.models import Meeting

    secretary = secretary_of(area["beixinqiao"])
    meeting = Meeting.objects.create(
        committee=area["beixinqiao"], title="第一次全体会议", held_on=timezone.localdate()
    )
    assert [item.title for item in todos_for(secretary) if item.kind == "meetings"]
    from matching import meetings

    meetings.update_meeting(meeting, by=secretary, is_held=True)
    assert not [item for item in todos_for(secretary) if item.kind == "meetings"]


def test_todo_providers_take_constant_queries(
    area, publish, liaison_of, secretary_of, django_assert_max_num_queries
):
    unit_need = publish(Need, area["minan"], title="助餐一").owner_unit
    for i in range(5):
        need = publish(Need, area["minan"], title=f"助餐{i}")
        Need.objects.filter(pk=need.pk).update(owner_unit=unit_need)
        publish(Resource, area["jiudaowan"], title=f"助餐{i}")
    runs.execute(MatchingRun.objects.create(scope_code="110101", committee=area["dongcheng"]).pk)
    liaison = liaison_of(unit_need, area["minan"])
    secretary = secretary_of(area["beixinqiao"])
    Proposal.objects.update(need_side="accepted", provider_side="accepted", status="accepted")
    with django_assert_max_num_queries(12):
        assert not [item for item in todos_for(liaison) if item.kind == "proposals"]  # all answered
    with django_assert_max_num_queries(14):
        assert (
            len([i for i in todos_for(secretary) if i.kind == "topics"])
            == Proposal.objects.filter(committee_decision=Decision.PENDING).count()
        )


def test_every_notification_link_of_a_secretary_opens(client, area, secretary_of):
    """The compliance reminder links to the committee's meetings, a list filter the admin declares (not a 400)."""
    from matching import meetings

    secretary = secretary_of(area["beixinqiao"])
    meetings.remind_committees_behind(timezone.localdate().year)
    client.force_login(secretary)
    assert Notification.objects.filter(user=secretary).exists()
    for note in Notification.objects.filter(user=secretary):
        assert note.url and client.get(note.url).status_code == 200, note.url
