"""Scheduled jobs of the registry and the lists: thin wrappers over the domain modules."""

from celery import shared_task
from django.db import OperationalError

from . import expiry, reminders


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def remind_collection_rounds() -> int:
    return reminders.send_round_reminders()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def expire_overdue_records() -> dict[str, int]:
    return expiry.expire_overdue_records()
