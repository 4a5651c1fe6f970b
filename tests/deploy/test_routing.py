"""Two queues: the matching pipeline's tasks on "matching", everything else on "default"."""

import pytest
from django.conf import settings

from config.celery import app


@pytest.mark.parametrize(
    "task",
    [
        "matching.tasks.run_matching",
        "matching.tasks.finish_city_run",
        "matching.tasks.start_nightly_runs",
        "matching.tasks.recover_stalled_runs",
    ],
)
def test_matching_tasks_go_to_the_matching_queue(task):
    assert app.amqp.router.route({}, task)["queue"].name == "matching"


@pytest.mark.parametrize(
    "task",
    [
        "committees.tasks.remind_collection_rounds",
        "committees.tasks.expire_overdue_records",
        "config.celery.heartbeat",
    ],
)
def test_other_tasks_go_to_the_default_queue(task):
    assert app.amqp.router.route({}, task)["queue"].name == "default"


def test_a_worker_without_dash_q_consumes_both_queues():
    assert sorted(settings.CELERY_TASK_QUEUES) == ["default", "matching"]
    assert sorted(app.amqp.queues) == ["default", "matching"]
