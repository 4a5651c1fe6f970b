"""Celery tasks of the pipeline: a few lines each, calling the run and stage modules (ids in, never objects)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from matching import meetings, summons, volunteering
from matching.outcomes import evaluation, figures, projects
from matching.pipeline import runs

from .pipeline import deliberate, escalate

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(
    name="matching.tasks.run_matching",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def run_matching(run_id: int) -> str:
    return runs.execute(run_id)


@shared_task(
    name="matching.tasks.finish_city_run",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def finish_city_run(run_id: int) -> str:
    return runs.finish_city(run_id)


@shared_task(
    name="matching.tasks.start_nightly_runs",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
)
def start_nightly_runs() -> int:
    return runs.start_scheduled_runs()


@shared_task(
    name="matching.tasks.recover_stalled_runs",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
)
def recover_stalled_runs() -> int:
    return runs.recover_stalled_runs()


@shared_task(
    name="matching.tasks.escalate_needs",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
)
def escalate_needs() -> int:
    return escalate.run()


@shared_task(
    name="matching.tasks.notify_new_topics",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
)
def notify_new_topics(run_id: int) -> int:
    return deliberate.notify_new_topics(run_id)


@shared_task(
    name="matching.tasks.expire_undecided_topics",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
)
def expire_undecided_topics() -> int:
    return deliberate.expire_undecided() + deliberate.close_topics_on_dead_records()


@shared_task(
    name="matching.tasks.check_meeting_compliance",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
)
def check_meeting_compliance() -> int:
    return meetings.remind_committees_behind()


@shared_task(
    name="matching.tasks.compute_figures",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
)
def compute_figures() -> int:
    """Nightly: this year's figures and its months for every committee (published periods stay frozen)."""
    return figures.compute_current()


@shared_task(
    name="matching.tasks.compute_reputations",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
)
def compute_reputations() -> int:
    return evaluation.compute_reputations()


@shared_task(
    name="matching.tasks.close_evaluation_windows",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
)
def close_evaluation_windows() -> int:
    """Daily: reveal the ratings of closed windows, then remind the sides still to rate."""
    evaluation.reveal_closed_windows()
    return evaluation.remind_missing()


@shared_task(
    name="matching.tasks.remind_late_projects",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
)
def remind_late_projects() -> int:
    return projects.remind_late_projects()


@shared_task(
    name="matching.tasks.chase_summons",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
)
def chase_summons() -> int:
    """Every few minutes: remind departments late to report on a summons, then escalate (each once per part)."""
    reminded, escalated = summons.chase()
    return reminded + escalated


@shared_task(
    name="matching.tasks.remind_tomorrows_tasks",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
)
def remind_tomorrows_tasks() -> int:
    """Daily (双报到): remind the members signed up for tomorrow's community tasks, once each."""
    return volunteering.remind_tomorrows_tasks()
