"""/healthz: 200 with every check OK; 503 naming what failed when the database, Redis, a worker or beat is down."""

import time
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import OperationalError, connections
from django.test import override_settings
from django_celery_beat.models import PeriodicTask

from config.celery import heartbeat
from config.heartbeat import HEARTBEAT_KEY, record_heartbeat

pytestmark = pytest.mark.django_db

BOTH_QUEUES = {
    "default@web1": [{"name": "default"}],
    "matching@worker1": [{"name": "matching"}],
}


def workers_answering(replies):
    """Stand-in for the broadcast: `replies` is what inspect().active_queues() returns (None: nobody answered)."""
    inspect = mock.Mock()
    inspect.return_value.active_queues.return_value = replies
    return mock.patch("config.celery.app.control.inspect", inspect)


@pytest.fixture(autouse=True)
def fresh_heartbeat():
    caches["health"].clear()
    record_heartbeat()
    yield
    caches["health"].clear()


def test_it_reports_every_check_ok_with_200(client):
    with workers_answering(BOTH_QUEUES):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "workers", "beat"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["workers"]["workers"] == ["default@web1", "matching@worker1"]
    assert body["checks"]["workers"]["queues"] == {
        "default": ["default@web1"],
        "matching": ["matching@worker1"],
    }
    assert body["checks"]["beat"]["age_seconds"] <= 1


def test_it_reports_the_database_down_with_503(client):
    refused = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
    with (
        workers_answering(BOTH_QUEUES),
        mock.patch.object(connections["default"], "cursor", side_effect=refused),
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == {
        "ok": False,
        "error": 'OperationalError: connection to server at "127.0.0.1", port 5432 failed: Connection refused',
    }
    assert body["checks"]["workers"]["ok"] is True
    assert body["checks"]["beat"]["ok"] is True


def test_it_reports_no_worker_with_503(client):
    with workers_answering(None):
        response = client.get("/healthz")

    assert response.status_code == 503
    workers = response.json()["checks"]["workers"]
    assert workers == {
        "ok": False,
        "workers": [],
        "queues": {"default": [], "matching": []},
        "error": "no worker consumes: default, matching",
    }


def test_it_reports_a_queue_without_worker_with_503(client):
    with workers_answering({"default@web1": [{"name": "default"}]}):
        response = client.get("/healthz")

    assert response.status_code == 503
    workers = response.json()["checks"]["workers"]
    assert workers["ok"] is False
    assert workers["queues"] == {"default": ["default@web1"], "matching": []}
    assert workers["error"] == "no worker consumes: matching"


def test_it_reports_the_broker_down_with_503(client):
    with mock.patch("config.celery.app.control.inspect", side_effect=ConnectionRefusedError(111, "refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    workers = response.json()["checks"]["workers"]
    assert workers["ok"] is False
    assert workers["error"].startswith("ConnectionRefusedError")


def test_it_reports_a_stale_beat_with_503(client):
    caches["health"].set(HEARTBEAT_KEY, time.time() - 400)
    with workers_answering(BOTH_QUEUES):
        response = client.get("/healthz")

    assert response.status_code == 503
    beat = response.json()["checks"]["beat"]
    assert beat["ok"] is False
    assert 400 <= beat["age_seconds"] <= 402
    assert beat["error"] == "stale: older than 180 s"
    assert beat["last_heartbeat"].endswith("+00:00")


def test_it_reports_beat_never_seen_with_503(client):
    caches["health"].clear()
    with workers_answering(BOTH_QUEUES):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["beat"] == {
        "ok": False,
        "last_heartbeat": None,
        "error": "no heartbeat yet",
    }


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_it_reports_redis_unreachable_with_503(client):
    with workers_answering(BOTH_QUEUES):
        response = client.get("/healthz")

    assert response.status_code == 503
    redis = response.json()["checks"]["redis"]
    assert redis["ok"] is False
    assert redis["configured"] is True
    assert redis["error"].startswith("ConnectionError")


def test_the_heartbeat_task_makes_beat_fresh_again(client):
    caches["health"].set(HEARTBEAT_KEY, time.time() - 400)

    heartbeat.delay()

    with workers_answering(BOTH_QUEUES):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["beat"]["age_seconds"] <= 1


def test_setup_schedules_sends_the_heartbeat_every_minute_to_the_default_queue():
    call_command("setup_schedules")
    call_command("setup_schedules")

    entry = PeriodicTask.objects.get(task="config.celery.heartbeat")
    assert (entry.crontab.minute, entry.crontab.hour) == ("*", "*")
    assert entry.expire_seconds == 60
    from config.celery import app

    assert app.amqp.router.route({}, "config.celery.heartbeat")["queue"].name == "default"


def test_the_health_check_needs_no_login_and_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
