"""The Celery app: configured from Django settings (CELERY_*), tasks discovered in the apps; beat's heartbeat."""

import os

from celery import Celery

from config.heartbeat import record_heartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("partyhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.celery.heartbeat", ignore_result=True)
def heartbeat() -> float:
    """Sent by beat every minute (setup_schedules): /healthz calls beat stale when the last one is too old."""
    return record_heartbeat()
