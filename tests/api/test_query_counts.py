"""The new list endpoints run the same number of queries whatever the page holds (no query per row)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from committees import scoping, services
from committees.models import Category, Need, Resource, Seat
from matching.models import AgendaItem, Comment, Meeting, Proposal
from matching.scoring import PARTS
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MembershipFactory,
    MemberUnitFactory,
    SeatFactory,
    StreetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def street(db):
    district = DistrictFactory(area_code="110101", name="东城区")
    street = StreetFactory(parent=district, area_code="110101005", name="北新桥街道")
    CommunityFactory(parent=street, area_code="110101005001", name="民安社区")
    return street


def _record(model, street, root):
    unit = MembershipFactory(committee=street, unit=MemberUnitFactory()).unit
    return services.create_record(
        model,
        by=root,
        owner_unit=unit,
        committee=street,
        category=Category.objects.get(code="health"),
        title="健康义诊",
        quantity=50,
        measure="sessions",
        contact_name="王秀英",
        contact_phone="13812345678",
    )


def _proposals(street, count):
    root = UserFactory(username="root", is_superuser=True)
    need, resource = _record(Need, street, root), _record(Resource, street, root)
    proposals = [
        Proposal.objects.create(
            need=need, resource=resource, committee=street, quantity=1, score_parts=dict.fromkeys(PARTS, 0.5)
        )
        for _ in range(count)
    ]
    for proposal in proposals:
        Comment.objects.create(proposal=proposal, user=root, text="同意")
    return proposals


def make_meetings(street, count):
    proposals = _proposals(street, count)
    people = [SeatFactory(committee=street, role=Seat.Role.MEMBER).user for _ in range(2)]
    for i, proposal in enumerate(proposals):
        meeting = Meeting.objects.create(committee=street, title=f"第{i + 1}次全体会议", held_on=TODAY)
        meeting.attendees.set(people)
        AgendaItem.objects.create(meeting=meeting, proposal=proposal)


def make_agenda_items(street, count):
    meeting = Meeting.objects.create(committee=street, title="全体会议", held_on=TODAY)
    for proposal in _proposals(street, count):
        AgendaItem.objects.create(meeting=meeting, proposal=proposal)


def make_topics(street, count):
    _proposals(street, count)


def make_collection_requests(street, count):
    for _ in range(count):
        MembershipFactory(committee=street, unit=MemberUnitFactory())
    services.open_collection_round(
        committee=street,
        by=UserFactory(username="root", is_superuser=True),
        title="需求征集",
        opens_on=TODAY,
        closes_on=TODAY + datetime.timedelta(days=7),
    )


def make_memberships(street, count):
    for _ in range(count):
        MembershipFactory(committee=street, unit=MemberUnitFactory())


def make_seats(street, count):
    for _ in range(count):
        SeatFactory(committee=street, role=Seat.Role.MEMBER)


BUILDERS = {
    "meetings": make_meetings,
    "agenda-items": make_agenda_items,
    "topics": make_topics,
    "collection-requests": make_collection_requests,
    "memberships": make_memberships,
    "seats": make_seats,
}


def queries_for(endpoint, street, secretary, count) -> tuple[int, int]:
    BUILDERS[endpoint](street, count)
    api = APIClient()
    scoping.forget_scope(secretary)  # each request reads the scope once, as a new request would
    api.force_authenticate(secretary)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"/api/v1/{endpoint}/", {"page_size": 100})
    assert response.status_code == 200
    return len(queries), response.json()["count"]


@pytest.mark.parametrize("endpoint", list(BUILDERS))
def test_queries_do_not_grow_with_the_page(endpoint, street, secretary_of):
    secretary = secretary_of(street)
    few, listed_few = queries_for(endpoint, street, secretary, 2)
    many, listed_many = queries_for(endpoint, street, secretary, 20)
    print(f"{endpoint}: {few} queries for {listed_few} rows, {many} for {listed_many}")
    assert listed_many >= listed_few + 18
    assert many == few and many <= 10
