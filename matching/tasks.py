"""Celery tasks of the pipeline: a few lines each, calling the run and stage modules (ids in, never objects)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import runs
from .pipeline import escalate

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
