"""The matrix's world (the demo, extended), loaded once for the whole package and rolled back after it; the
README's logins by username."""

import logging

import pytest
from django.contrib.auth import get_user_model
from rest_framework.throttling import UserRateThrottle

from tests.permissions.demo import demo_loaded
from tests.permissions.helpers import login
from tests.permissions.personal_data import secrets_for
from tests.permissions.roles import ROLES
from tests.permissions.world import extend_demo


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker):
    with pytest.MonkeyPatch.context() as patch, demo_loaded(django_db_blocker, extend_demo) as extended:
        patch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": None})
        yield extended


@pytest.fixture(scope="package")
def users(world, django_db_blocker):
    with django_db_blocker.unblock():
        return {user.username: user for user in get_user_model().objects.all()}


@pytest.fixture(scope="package")
def secrets(world, users, django_db_blocker):
    """Per login, the personal data it must not see in full (tests/permissions/personal_data.py)."""
    with django_db_blocker.unblock():
        return {role.username: secrets_for(users[role.username]) for role in ROLES}


@pytest.fixture(scope="package")
def clients(world, users, django_db_blocker):
    """A client logged in as each README login, once for the package (their sessions live in its transaction)."""
    with django_db_blocker.unblock():
        return {role.username: login(users[role.username]) for role in ROLES}


@pytest.fixture(autouse=True, scope="package")
def _quiet_refusals():
    """Refusals (403, 404, a lookup no filter declares) are what the matrix expects: no logged traceback each."""
    loggers = [
        logging.getLogger(name) for name in ("django.request", "django.security.DisallowedModelAdminLookup")
    ]
    before = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    yield
    for logger, disabled in zip(loggers, before, strict=True):
        logger.disabled = disabled
