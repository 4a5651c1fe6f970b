"""Two queues: the matching runs on "matching", everything else on "default" (a long run never delays a
notification, a reminder or the recovery of a stalled run)."""

import pytest
from django.conf import settings

from config.celery import app


@pytest.mark.parametrize(
    "task",
    [
        "matching.tasks.run_matching",
        "matching.tasks.finish_city_run",
    ],
)
def test_matching_runs_go_to_the_matching_queue(task):
    assert app.amqp.router.route({}, task)["queue"].name == "matching"


@pytest.mark.parametrize(
    "task",
    [
        "committees.tasks.remind_collection_rounds",
        "committees.tasks.expire_overdue_records",
        "config.celery.heartbeat",
        "matching.tasks.start_nightly_runs",
        "matching.tasks.recover_stalled_runs",
        "matching.tasks.notify_new_topics",
        "matching.tasks.remind_late_projects",
        "matching.tasks.close_evaluation_windows",
        "matching.tasks.check_meeting_compliance",
        "matching.tasks.compute_figures",
    ],
)
def test_other_tasks_go_to_the_default_queue(task):
    assert app.amqp.router.route({}, task)["queue"].name == "default"


def test_a_worker_without_dash_q_consumes_both_queues():
    assert sorted(settings.CELERY_TASK_QUEUES) == ["default", "matching"]
    assert sorted(app.amqp.queues) == ["default", "matching"]


def test_every_scheduled_task_name_is_a_registered_task():
    """Beat's rows in the database name their tasks: a task that is renamed or moved would orphan them."""
    from matching.management.commands.setup_schedules import DEFAULT_SCHEDULES

    app.loader.import_default_modules()
    for _label, task, _minute, _hour, *_rest in DEFAULT_SCHEDULES:
        assert task in app.tasks, task
