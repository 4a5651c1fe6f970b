"""/healthz: is the database, Redis, a worker on every queue and beat alive? JSON; 200 when all are, else 503.

Beat is alive when its heartbeat is fresh: `setup_schedules` has beat send `config.celery.heartbeat` every
minute, a default-queue worker runs it and stores the time in the "health" cache, which the web process reads.
"""

import time
from datetime import UTC, datetime

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app
from config.heartbeat import HEARTBEAT_KEY


def check_database() -> dict:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure is the answer, not an error of this page
        return {"ok": False, "error": _describe(exc)}
    return {"ok": True, "vendor": connections["default"].vendor}


def check_redis() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "configured": False}
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except Exception as exc:
        return {"ok": False, "configured": True, "error": _describe(exc)}
    finally:
        client.close()
    return {"ok": True, "configured": True}


def check_workers() -> dict:
    """A broadcast to the workers; each answers with the queues it consumes. Every queue needs one."""
    expected = sorted(settings.CELERY_TASK_QUEUES)
    try:
        replies = app.control.inspect(timeout=settings.HEALTH_WORKER_TIMEOUT).active_queues() or {}
    except Exception as exc:  # the broker is down
        return {
            "ok": False,
            "workers": [],
            "queues": {name: [] for name in expected},
            "error": _describe(exc),
        }
    queues: dict[str, list[str]] = {name: [] for name in expected}
    for worker, consumed in replies.items():
        for queue in consumed or []:
            queues.setdefault(queue["name"], []).append(worker)
    missing = [name for name in expected if not queues[name]]
    result = {
        "ok": not missing,
        "workers": sorted(replies),
        "queues": {k: sorted(v) for k, v in queues.items()},
    }
    if missing:
        result["error"] = f"no worker consumes: {', '.join(missing)}"
    return result


def check_beat() -> dict:
    max_age = settings.HEALTH_BEAT_MAX_AGE
    try:
        last = caches["health"].get(HEARTBEAT_KEY)
    except Exception as exc:
        return {"ok": False, "last_heartbeat": None, "error": _describe(exc)}
    if last is None:
        return {"ok": False, "last_heartbeat": None, "error": "no heartbeat yet"}
    age = max(0, round(time.time() - last))
    result = {
        "ok": age <= max_age,
        "last_heartbeat": datetime.fromtimestamp(last, tz=UTC).isoformat(timespec="seconds"),
        "age_seconds": age,
    }
    if age > max_age:
        result["error"] = f"stale: older than {max_age} s"
    return result


CHECKS = {"database": check_database, "redis": check_redis, "workers": check_workers, "beat": check_beat}


@never_cache
@require_GET
def healthz(request):
    checks = {name: check() for name, check in CHECKS.items()}
    healthy = all(result["ok"] for result in checks.values())
    body = {"status": "ok" if healthy else "error", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}".rstrip(
        ": "
    )
