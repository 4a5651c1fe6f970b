"""The permission matrix: every list endpoint, for each role, lists exactly what the scoping module gives that role,
and an object outside the role's scope is 404 by id — never data."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from committees import scoping, services
from committees.models import Category, Need, Project, Resource, Seat
from matching import runs
from matching import scoping as pipeline_scoping
from matching.models import MatchingRun, Proposal
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
    Project.objects.create(
        committee=street,
        title=f"项目{street.name}",
        lead_unit=giver,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
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


def test_the_matrix_is_not_empty(world, roles):
    """The scopes differ: the street secretaries see different needs, the overseer both, a liaison fewer."""
    counts = {role: scoping.needs_for(user).count() for role, user in roles.items()}
    assert (
        counts["superuser"] == 2 and counts["beixinqiao secretary"] == 1 and counts["tianqiao secretary"] == 1
    )
