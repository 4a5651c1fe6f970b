"""Shared fixtures: people in each role, and the services the suite needs.

With REQUIRE_SERVICES=1 (as .ci/run sets), a missing PostgreSQL or Redis fails the run instead of skipping tests.
"""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

from committees.models import Seat
from tests.factories import MembershipFactory, SeatFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2):
            return True
    except OSError:
        return False


def pytest_sessionstart(session):
    if not REQUIRE_SERVICES:
        return
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        pytest.exit(f"REQUIRE_SERVICES=1 but DATABASE_URL is not PostgreSQL ({engine})", returncode=3)
    if not settings.REDIS_URL or not _redis_reachable(settings.REDIS_URL):
        pytest.exit(f"REQUIRE_SERVICES=1 but Redis is unreachable at {settings.REDIS_URL!r}", returncode=3)


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            if REQUIRE_SERVICES:
                raise pytest.UsageError("a postgres test would be skipped although REQUIRE_SERVICES=1")
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://..."))
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://..."))


@pytest.fixture(autouse=True)
def _default_categories(request):
    """Transactional tests flush the database, seeded categories included: put them back for every test."""
    if request.node.get_closest_marker("django_db") is None and not {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        return
    request.getfixturevalue("db" if "transactional_db" not in request.fixturenames else "transactional_db")
    from committees.categories import ensure_defaults
    from committees.models import Category

    ensure_defaults(Category)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """The API's throttles count in the default cache, which outlives a test (Redis, or this process's memory):
    start every test with none, so one test's logins never throttle another's. The login lockout needs nothing:
    django-axes counts in the database, which each test rolls back."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def secretary_of(db):
    def make(committee, **kwargs):
        seat = SeatFactory(committee=committee, role=Seat.Role.SECRETARY, **kwargs)
        return seat.user

    return make


@pytest.fixture
def overseer_of(db):
    def make(district):
        return SeatFactory(committee=district, role=Seat.Role.OVERSEER).user

    return make


@pytest.fixture
def liaison_of(db):
    def make(unit, committee=None):
        if committee is None:
            committee = unit.memberships.first().committee if unit.memberships.exists() else None
        if committee is None:
            committee = MembershipFactory(unit=unit).committee
        return SeatFactory(committee=committee, role=Seat.Role.LIAISON, unit=unit).user

    return make


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)
