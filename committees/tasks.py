"""Scheduled jobs of the registry and the lists: thin wrappers over the services. Names are explicit and stable:
beat's rows in the database name them, so moving a module must not rename a task."""

from celery import shared_task
from django.db import OperationalError

from committees import digest
from committees.services import expiry, rounds


@shared_task(
    name="committees.tasks.remind_collection_rounds",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def remind_collection_rounds() -> int:
    return rounds.send_round_reminders()


@shared_task(
    name="committees.tasks.expire_overdue_records",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def expire_overdue_records() -> dict[str, int]:
    return expiry.expire_overdue_records()


@shared_task(
    name="committees.tasks.send_daily_digests",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def send_daily_digests() -> int:
    """Each person's daily e-mail (to-do list and notifications); at most one a day each, however often run."""
    return digest.send_daily_digests()
