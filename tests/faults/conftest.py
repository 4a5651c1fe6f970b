"""The fault tests start real workers, beats and a Redis server of their own: PostgreSQL and Redis only."""

import pytest

from tests.matching.conftest import area, publish  # noqa: F401 - the same small Beijing as the pipeline tests

from .helpers import PrivateRedis


@pytest.fixture
def broker(tmp_path):
    """A private Redis for the test's broker: killing or flushing it disturbs nobody else."""
    redis = PrivateRedis(tmp_path)
    yield redis
    redis.kill()
