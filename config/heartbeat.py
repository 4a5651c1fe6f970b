"""Beat's heartbeat: the time of the last `config.celery.heartbeat` task, kept in the "health" cache."""

import time

from django.core.cache import caches

HEARTBEAT_KEY = "beat-heartbeat"


def record_heartbeat() -> float:
    now = time.time()
    caches["health"].set(HEARTBEAT_KEY, now, timeout=24 * 3600)
    return now
