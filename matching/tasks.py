"""Celery tasks of the pipeline: a few lines each, calling the run and stage modules (ids in, never objects)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import compliance, runs
from .pipeline import deliberate, escalate

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def run_matching(run_id: int) -> str:
    return runs.execute(run_id)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def finish_city_run(run_id: int) -> str:
    return runs.finish_city(run_id)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def start_nightly_runs() -> int:
    return runs.start_scheduled_runs()


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def recover_stalled_runs() -> int:
    return runs.recover_stalled_runs()


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def escalate_needs() -> int:
    return escalate.run()


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def notify_new_topics(run_id: int) -> int:
    return deliberate.notify_new_topics(run_id)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def expire_undecided_topics() -> int:
    return deliberate.expire_undecided()


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def check_meeting_compliance() -> int:
    return compliance.remind_committees_behind()
