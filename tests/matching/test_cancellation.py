"""Cancelling a project that will not happen: only the committee's secretary may, with a reason; the quantity
allocated to it is released under row locks and its records go back to the lists; both sides are told; who, when
and why are kept. From the project page, the admin and the API; refused attempts change nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from committees import masking, services
from committees.models import Need, Notification, Project, Resource
from config.exceptions import InvalidTransition
from matching.models import Answer, Cancellation, CommitteeFigures, Decision, MatchingRun, Proposal
from matching.outcomes import figures, periods, projects
from matching.pipeline import confirm, escalate, runs

pytestmark = pytest.mark.django_db
REASON = "社区卫生服务中心整体搬迁，无法按期提供"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def records_of(project):
    allocation = project.allocations.select_related("need", "resource").get()
    need, resource = allocation.need, allocation.resource
    need.refresh_from_db()
    resource.refresh_from_db()
    return need, resource


def confirmed_project(area, need, resource, quantity=1):
    proposal = Proposal.objects.create(
        need=need,
        resource=resource,
        provider_unit=resource.owner_unit,
        committee=area["beixinqiao"],
        quantity=quantity,
        need_side=Answer.ACCEPTED,
        provider_side=Answer.ACCEPTED,
        committee_decision=Decision.APPROVED,
        status=Proposal.Status.APPROVED,
    )
    return confirm.confirm(proposal.pk)


def unchanged(project):
    project.refresh_from_db()
    need, resource = records_of(project)
    return (
        project.status == Project.Status.PLANNED
        and (need.status, need.allocated_quantity) == ("fulfilled", 1)
        and (resource.status, resource.allocated_quantity) == ("exhausted", 1)
        and not Cancellation.objects.exists()
    )


# --- The service ---------------------------------------------------------------------------------------------


def test_the_secretary_cancels_and_both_records_go_back_to_the_lists(project, people):
    projects.cancel_project(project=project, by=people["secretary"], reason=REASON)
    project.refresh_from_db()
    need, resource = records_of(project)
    assert project.status == Project.Status.CANCELLED
    assert (need.status, need.allocated_quantity) == ("published", 0)
    assert (resource.status, resource.allocated_quantity) == ("published", 0)


def test_a_record_still_used_by_another_project_goes_back_to_partly_allocated(area, publish, people):
    resource = publish(Resource, area["jiudaowan"], title="医院志愿者义诊", quantity=3)
    first = confirmed_project(area, publish(Need, area["minan"], title="老人健康体检"), resource)
    confirmed_project(
        area, publish(Need, area["minan"], title="儿童视力筛查", quantity=2), resource, quantity=2
    )
    resource.refresh_from_db()
    assert (resource.status, resource.allocated_quantity) == ("exhausted", 3)
    projects.cancel_project(project=first, by=people["secretary"], reason=REASON)
    resource.refresh_from_db()
    assert (resource.status, resource.allocated_quantity) == ("partly_allocated", 2)


def test_a_withdrawn_need_stays_withdrawn_and_its_quantity_is_released(area, publish, people):
    need = publish(Need, area["minan"], title="老人健康体检", quantity=2)
    project = confirmed_project(area, need, publish(Resource, area["jiudaowan"], quantity=1))
    services.withdraw_record(need, by=people["secretary"], reason="老人已入住养老院")
    projects.cancel_project(project=project, by=people["secretary"], reason=REASON)
    need.refresh_from_db()
    assert (need.status, need.allocated_quantity) == ("withdrawn", 0)


def test_both_sides_are_told_with_the_reason(project, people):
    projects.cancel_project(project=project, by=people["secretary"], reason=REASON)
    told = set(Notification.objects.filter(message__contains=REASON).values_list("user", flat=True))
    assert told == {people["need"].pk, people["provider"].pk}


def test_who_when_and_why_are_kept(project, people):
    before = timezone.now()
    cancellation = projects.cancel_project(project=project, by=people["secretary"], reason=f"  {REASON} ")
    assert (cancellation.project_id, cancellation.reason, cancellation.created_by) == (
        project.pk,
        REASON,
        people["secretary"],
    )
    assert cancellation.created_at >= before
    latest = project.history.first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        "cancelled",
        people["secretary"],
        REASON,
    )
    need, _resource = records_of(project)
    assert need.history.first().history_user == people["secretary"]


def test_the_reason_is_required_and_nothing_changes(project, people):
    with pytest.raises(ValidationError):
        projects.cancel_project(project=project, by=people["secretary"], reason="  ")
    assert unchanged(project)


def test_a_cancelled_project_can_be_neither_cancelled_again_nor_completed(project, people):
    projects.cancel_project(project=project, by=people["secretary"], reason=REASON)
    with pytest.raises(InvalidTransition):
        projects.cancel_project(project=project, by=people["secretary"], reason="再次取消")
    with pytest.raises(InvalidTransition):
        projects.complete_project(project=project, by=people["secretary"])
    assert Cancellation.objects.count() == 1
    need, _resource = records_of(project)
    assert need.allocated_quantity == 0


def test_a_completed_project_cannot_be_cancelled(project, people):
    projects.complete_project(project=project, by=people["provider"])
    with pytest.raises(InvalidTransition):
        projects.cancel_project(project=project, by=people["secretary"], reason=REASON)
    need, _resource = records_of(project)
    assert (need.status, need.allocated_quantity) == ("fulfilled", 1)


def test_the_lead_units_liaison_may_not_cancel(project, people):
    assert project.lead_unit_id == records_of(project)[1].owner_unit_id
    with pytest.raises(PermissionDenied):
        projects.cancel_project(project=project, by=people["provider"], reason=REASON)
    assert unchanged(project)


def test_allocated_quantities_are_always_what_projects_not_cancelled_hold(area, publish, people):
    resource = publish(Resource, area["jiudaowan"], title="医院志愿者义诊", quantity=3)
    needs = [publish(Need, area["minan"], title=f"健康体检{i}", quantity=2) for i in range(4)]
    made = [confirmed_project(area, need, resource) for need in needs[:3]]
    projects.cancel_project(project=made[0], by=people["secretary"], reason=REASON)
    projects.cancel_project(project=made[2], by=people["secretary"], reason=REASON)
    made.append(confirmed_project(area, needs[3], resource, quantity=2))
    for record in [resource, *needs]:
        record.refresh_from_db()
        held = sum(
            allocation.quantity
            for allocation in record.allocations.exclude(project__status=Project.Status.CANCELLED)
        )
        assert record.allocated_quantity == held
    assert (resource.status, resource.allocated_quantity) == ("exhausted", 3)
    assert [need.status for need in needs] == ["published", "partly_allocated", "published", "fulfilled"]


# --- The surfaces --------------------------------------------------------------------------------------------


def test_another_streets_secretary_gets_404_and_nothing_changes(client, project, people):
    client.force_login(people["other_secretary"])
    response = client.post(
        reverse("project_detail", args=[project.pk]), {"action": "cancel", "reason": REASON, "confirm": "on"}
    )
    assert response.status_code == 404
    response = api(people["other_secretary"]).post(
        f"/api/v1/projects/{project.pk}/cancel/", {"reason": REASON}, format="json"
    )
    assert response.status_code == 404
    assert unchanged(project)


def test_the_lead_unit_and_the_other_side_are_refused_on_the_page_and_the_api(client, project, people):
    for role in ("provider", "need"):
        client.force_login(people[role])
        response = client.post(
            reverse("project_detail", args=[project.pk]),
            {"action": "cancel", "reason": REASON, "confirm": "on"},
        )
        assert response.status_code == 403
        response = api(people[role]).post(
            f"/api/v1/projects/{project.pk}/cancel/", {"reason": REASON}, format="json"
        )
        assert response.status_code == 403
    assert unchanged(project)


def test_the_page_offers_cancelling_to_the_secretary_only(client, project, people):
    client.force_login(people["secretary"])
    assert 'value="cancel"' in client.get(reverse("project_detail", args=[project.pk])).content.decode()
    client.force_login(people["provider"])
    assert 'value="cancel"' not in client.get(reverse("project_detail", args=[project.pk])).content.decode()


def test_the_page_asks_for_the_confirmation_box_then_cancels_and_shows_why(client, project, people):
    client.force_login(people["secretary"])
    url = reverse("project_detail", args=[project.pk])
    refused = client.post(url, {"action": "cancel", "reason": REASON})
    assert refused.status_code == 200 and "勾选" in refused.content.decode()
    assert unchanged(project)
    assert client.post(url, {"action": "cancel", "reason": REASON, "confirm": "on"}).status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.CANCELLED
    page = client.get(url).content.decode()
    assert REASON in page and 'value="cancel"' not in page


def test_the_admin_action_asks_for_a_reason_on_a_confirmation_page_then_cancels(client, project, people):
    client.force_login(people["secretary"])
    url = reverse("admin:committees_project_changelist")
    page = client.post(url, {"action": "cancel_projects", "_selected_action": [project.pk]})
    assert page.status_code == 200 and "id_reason" in page.content.decode()
    assert unchanged(project)
    client.post(
        url,
        {"action": "cancel_projects", "_selected_action": [project.pk], "confirmed": "yes", "reason": REASON},
    )
    project.refresh_from_db()
    assert project.status == Project.Status.CANCELLED
    assert project.cancellation.reason == REASON


def test_the_admin_action_leaves_another_streets_project_alone(client, area, publish, project, secretary_of):
    client.force_login(secretary_of(area["desheng"]))
    client.post(
        reverse("admin:committees_project_changelist"),
        {"action": "cancel_projects", "_selected_action": [project.pk], "confirmed": "yes", "reason": REASON},
    )
    assert unchanged(project)


def test_the_api_cancels_with_a_reason(project, people):
    client = api(people["secretary"])
    refused = client.post(f"/api/v1/projects/{project.pk}/cancel/", {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    assert unchanged(project)
    response = client.post(f"/api/v1/projects/{project.pk}/cancel/", {"reason": REASON}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "cancelled"
    assert body["cancellation"]["reason"] == REASON
    again = client.post(f"/api/v1/projects/{project.pk}/cancel/", {"reason": REASON}, format="json")
    assert again.status_code in (400, 409)
    assert Cancellation.objects.count() == 1


# --- What the released quantity does next ----------------------------------------------------------------------


def test_the_released_pair_is_proposed_again_by_the_next_run(area, project, people):
    projects.cancel_project(project=project, by=people["secretary"], reason=REASON)
    need, resource = records_of(project)
    run = MatchingRun.objects.create(
        committee=area["beixinqiao"], scope_code="110101005", status=MatchingRun.Status.RUNNING
    )
    runs.perform(run)
    assert list(run.proposals.values_list("need_id", "resource_id", "quantity")) == [
        (need.pk, resource.pk, 1)
    ]


def test_a_need_whose_project_was_cancelled_escalates_again(project, people):
    projects.cancel_project(project=project, by=people["secretary"], reason=REASON)
    need, _resource = records_of(project)
    Need.objects.filter(pk=need.pk).update(published_at=timezone.now() - datetime.timedelta(days=15))
    assert escalate.run() == 1


def test_figures_count_a_cancelled_project_neither_resolved_nor_confirmed(area, project, people):
    projects.cancel_project(project=project, by=people["secretary"], reason=REASON)
    figures.compute(periods.current())
    row = CommitteeFigures.objects.get(committee=area["beixinqiao"], period=str(timezone.localdate().year))
    assert (row.needs_raised, row.needs_resolved, row.median_days_to_confirm) == (1, 0, None)


def test_partners_of_a_cancelled_project_see_each_others_contacts_masked_again(project, people):
    need, _resource = records_of(project)
    assert masking.sees_in_full(people["provider"], need)
    projects.cancel_project(project=project, by=people["secretary"], reason=REASON)
    assert not masking.sees_in_full(people["provider"], need)
