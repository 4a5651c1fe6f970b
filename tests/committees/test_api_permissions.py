"""The permission matrix: every list endpoint, for each role, lists exactly what the scoping module gives that role,
and an object outside the role's scope is 404 by id — never data."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from committees import scoping, services
from committees.models import Category, CollectionRequest, Membership, Need, Project, Resource, Seat
from matching import scoping as pipeline_scoping
from matching.models import (
    AgendaItem,
    Comment,
    CommitteeFigures,
    Evaluation,
    MatchingRun,
    Meeting,
    Milestone,
    ProjectUpdate,
    Proposal,
    Publication,
    Vote,
)
from matching.pipeline import runs
from tests.factories import MembershipFactory, MemberUnitFactory, SeatFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "committees": scoping.committees_for,
    "member-units": scoping.units_for,
    "memberships": scoping.memberships_for,
    "seats": scoping.seats_for,
    "needs": scoping.needs_for,
    "resources": scoping.resources_for,
    "collection-rounds": scoping.rounds_for,
    "projects": scoping.projects_for,
    "matching-runs": pipeline_scoping.runs_for,
    "proposals": pipeline_scoping.proposals_for,
    "collection-requests": scoping.collection_requests_for,
    "meetings": pipeline_scoping.meetings_for,
    "agenda-items": pipeline_scoping.agenda_items_for,
    "topics": pipeline_scoping.topics_for,
    "project-updates": pipeline_scoping.project_updates_for,
    "milestones": pipeline_scoping.milestones_for,
    "evaluations": pipeline_scoping.evaluations_for,
    "figures": pipeline_scoping.figures_for,
    "publications": pipeline_scoping.publications_for,
}


def fill_street(street, community, superuser):
    """A street with a community, two units, a published need and resource, a run, a proposal and a project."""
    category = Category.objects.get(code="health")
    needer = MembershipFactory(committee=community, unit=MemberUnitFactory()).unit
    giver = MembershipFactory(committee=street, unit=MemberUnitFactory()).unit
    for model, unit, committee in ((Need, needer, community), (Resource, giver, street)):
        services.publish_record(
            services.create_record(
                model,
                by=superuser,
                owner_unit=unit,
                committee=committee,
                category=category,
                title=f"义诊{street.name}",
                quantity=2,
                measure="sessions",
                contact_name="张三",
                contact_phone="13812345678",
            ),
            by=superuser,
        )
    services.open_collection_round(
        committee=street,
        by=superuser,
        title=f"征集{street.name}",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + datetime.timedelta(5),
    )
    run = MatchingRun.objects.create(committee=street, scope_code=street.area_code)
    runs.execute(run.pk)
    meeting = Meeting.objects.create(
        committee=street, title=f"{street.name}全体会议", held_on=timezone.localdate()
    )
    AgendaItem.objects.create(meeting=meeting, proposal=run.proposals.get())
    project = Project.objects.create(
        committee=street,
        title=f"项目{street.name}",
        lead_unit=giver,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    # What follows confirmation: a report, a milestone, a revealed rating, figures and published results.
    ProjectUpdate.objects.create(project=project, unit=giver, text="进展", created_by=superuser)
    Milestone.objects.create(project=project, title="第一阶段", due_on=timezone.localdate())
    Evaluation.objects.create(
        project=project,
        side="need",
        rater_unit=needer,
        rated_unit=giver,
        score=5,
        created_by=superuser,
        revealed_at=timezone.now(),
    )
    for committee in (street, community):
        CommitteeFigures.objects.create(committee=committee, period="2025", needs_raised=1)
        CommitteeFigures.objects.create(committee=committee, period="2026", needs_raised=2)
    Publication.objects.create(committee=street, period="2025", snapshot={}, published_by=superuser)
    SeatFactory(committee=street, role=Seat.Role.MEMBER)
    return needer


@pytest.fixture
def world(two_streets, superuser):
    fill_street(two_streets["beixinqiao"], two_streets["minan"], superuser)
    theatre_needer = fill_street(two_streets["tianqiao"], two_streets["hufang"], superuser)
    assert Proposal.objects.count() == 2
    return {**two_streets, "tianqiao_needer": theatre_needer}


@pytest.fixture
def roles(world, superuser, secretary_of, overseer_of, liaison_of):
    return {
        "superuser": superuser,
        "beixinqiao secretary": secretary_of(world["beixinqiao"]),
        "tianqiao secretary": secretary_of(world["tianqiao"]),
        "dongcheng overseer": overseer_of(world["dongcheng"]),
        "school liaison": liaison_of(world["school"], world["minan"]),
        "tianqiao needer's liaison": liaison_of(world["tianqiao_needer"], world["hufang"]),
        "beixinqiao member": SeatFactory(committee=world["beixinqiao"], role=Seat.Role.MEMBER).user,
    }


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_every_role_lists_exactly_its_scope(world, roles, endpoint):
    api = APIClient()
    for role, user in roles.items():
        scoping.forget_scope(user)
        api.force_authenticate(user)
        response = api.get(f"/api/v1/{endpoint}/", {"page_size": 500})
        assert response.status_code == 200, (role, response.content[:200])
        listed = {row["id"] for row in response.json()["results"]}
        expected = set(ENDPOINTS[endpoint](user).values_list("pk", flat=True))
        assert listed == expected, (endpoint, role)


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_objects_outside_the_scope_are_404_by_id(world, roles, endpoint):
    api = APIClient()
    everything = set(ENDPOINTS[endpoint](roles["superuser"]).values_list("pk", flat=True))
    for role, user in roles.items():
        scoping.forget_scope(user)
        outside = everything - set(ENDPOINTS[endpoint](user).values_list("pk", flat=True))
        api.force_authenticate(user)
        for pk in sorted(outside)[:3]:
            response = api.get(f"/api/v1/{endpoint}/{pk}/")
            assert response.status_code == 404, (endpoint, role, pk)
            assert "title" not in response.json() and "name" not in response.json()


# Every write on an existing object: (endpoint, method, path after the id, body).
WRITES = [
    ("needs", "post", "publish/", {}),
    ("needs", "post", "withdraw/", {"reason": "不再需要"}),
    ("resources", "post", "publish/", {}),
    ("resources", "post", "withdraw/", {"reason": "不再提供"}),
    ("proposals", "post", "accept/", {}),
    ("proposals", "post", "decline/", {"reason": "时间冲突"}),
    ("proposals", "post", "approve/", {}),
    ("proposals", "post", "reject/", {"reason": "不予采纳"}),
    ("memberships", "patch", "", {"role": "chair_unit"}),
    ("memberships", "post", "end/", {}),
    ("seats", "patch", "", {"position": "书记"}),
    ("seats", "post", "end/", {}),
    ("collection-requests", "post", "nothing-this-time/", {}),
    ("agenda-items", "post", "decide/", {"decision": "approved"}),
    ("topics", "post", "comments/", {"text": "同意"}),
    ("topics", "post", "vote/", {"choice": "for"}),
    ("milestones", "post", "done/", {}),
    ("projects", "post", "complete/", {}),
    ("projects", "post", "carry-over/", {"reason": "延期", "new_end": "2099-01-01"}),
]


def _snapshot():
    """Everything a write could change, to show that a refused write changed nothing."""
    return (
        list(Need.objects.values_list("pk", "status").order_by("pk")),
        list(Resource.objects.values_list("pk", "status").order_by("pk")),
        list(
            Proposal.objects.values_list("pk", "status", "need_side", "provider_side", "committee_decision")
        ),
        list(Membership.objects.values_list("pk", "role", "until").order_by("pk")),
        list(Seat.objects.values_list("pk", "position", "until").order_by("pk")),
        list(CollectionRequest.objects.values_list("pk", "answered_at").order_by("pk")),
        list(AgendaItem.objects.values_list("pk", "decision").order_by("pk")),
        Comment.objects.count(),
        Vote.objects.count(),
        list(Milestone.objects.values_list("pk", "done_at").order_by("pk")),
        list(Project.objects.values_list("pk", "status", "ends_on").order_by("pk")),
    )


@pytest.mark.parametrize(("endpoint", "method", "suffix", "body"), WRITES, ids=lambda v: str(v)[:20])
def test_writes_on_objects_outside_the_scope_are_404_and_change_nothing(
    world, roles, endpoint, method, suffix, body
):
    api = APIClient()
    everything = set(ENDPOINTS[endpoint](roles["superuser"]).values_list("pk", flat=True))
    before = _snapshot()
    tried = 0
    for role, user in roles.items():
        scoping.forget_scope(user)
        outside = everything - set(ENDPOINTS[endpoint](user).values_list("pk", flat=True))
        api.force_authenticate(user)
        for pk in sorted(outside)[:2]:
            response = getattr(api, method)(f"/api/v1/{endpoint}/{pk}/{suffix}", body, format="json")
            assert response.status_code in (403, 404), (endpoint, suffix, role, pk, response.status_code)
            tried += 1
    assert _snapshot() == before
    assert tried > 0


def test_the_matrix_is_not_empty(world, roles):
    """The scopes differ: the street secretaries see different needs, the overseer both, a liaison fewer."""
    counts = {role: scoping.needs_for(user).count() for role, user in roles.items()}
    assert (
        counts["superuser"] == 2 and counts["beixinqiao secretary"] == 1 and counts["tianqiao secretary"] == 1
    )
    topics = {role: pipeline_scoping.topics_for(user).count() for role, user in roles.items()}
    assert topics == {
        "superuser": 2,
        "beixinqiao secretary": 1,
        "tianqiao secretary": 1,
        "dongcheng overseer": 0,
        "school liaison": 0,
        "tianqiao needer's liaison": 0,
        "beixinqiao member": 1,
    }
