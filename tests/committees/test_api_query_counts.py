"""Queries per request of every API list endpoint do not grow with the page: as many at page_size=100 as at 5."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from committees import scoping
from matching.management.commands.bench_load import api_list_paths
from tests.committees.test_api_permissions import fill_street
from tests.factories import CommunityFactory, DistrictFactory, StreetFactory

pytestmark = pytest.mark.django_db

STREETS = 7  # each brings a need, a resource, a round, a run with its proposal, a project, units and seats
FILLED = {
    "committees",
    "member-units",
    "memberships",
    "seats",
    "needs",
    "resources",
    "collection-rounds",
    "projects",
    "matching-runs",
    "proposals",
}


@pytest.fixture
def district_secretary(superuser, secretary_of):
    dongcheng = DistrictFactory(area_code="110101", name="东城区")
    for n in range(1, STREETS + 1):
        street = StreetFactory(parent=dongcheng, area_code=f"110101{n:03d}", name=f"第{n}街道")
        fill_street(street, CommunityFactory(parent=street, area_code=f"110101{n:03d}001"), superuser)
    return secretary_of(dongcheng)


def test_queries_per_list_request_do_not_grow_with_the_page_size(district_secretary):
    api = APIClient()
    api.force_authenticate(district_secretary)
    scoping.forget_scope(district_secretary)
    grown, empty = [], []
    for path in [path for _name, path in api_list_paths()]:
        assert (
            api.get(path, {"page_size": 1}).status_code == 200
        )  # the scope and the throttle's cache warmed up
        queries, rows = {}, {}
        for size in (5, 100):
            with CaptureQueriesContext(connection) as captured:
                response = api.get(path, {"page_size": size})
            assert response.status_code == 200, (path, response.content[:300])
            body = response.json()
            queries[size] = len(captured)
            rows[size] = len(body["results"] if isinstance(body, dict) else body)
        print(f"{path}: rows={rows[5]}/{rows[100]} queries={queries[5]}/{queries[100]} (page_size 5/100)")
        if queries[100] != queries[5]:
            grown.append(path)
        if path.strip("/").rsplit("/", 1)[-1] in FILLED and not rows[100] > rows[5] == 5:
            empty.append(path)
    assert not grown, f"queries grow with the page on {grown}"
    assert not empty, f"too few rows to tell on {empty}"
