"""A real Celery worker on Redis and PostgreSQL is killed (SIGKILL) in the middle of a run and restarted:
the run completes with the same proposals as an undisturbed run, and nothing twice."""

import time

import pytest

from committees.models import Need, Resource
from matching.models import MatchingRun, Proposal

from .helpers import expected_proposals, send_task, wait_for, worker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True
    ),  # the seeded categories survive flushes
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


def test_a_killed_worker_leaves_no_trace_and_the_restarted_one_finishes_the_run(
    area, publish, broker, tmp_path
):
    for i in range(12):
        publish(Need, area["minan" if i % 2 else "jiudaowan"], quantity=1 + i % 3, title=f"需要义诊{i}")
        publish(Resource, area["jiudaowan" if i % 3 else "beixinqiao"], quantity=2, title=f"提供义诊{i}")
    expected = expected_proposals("110101", area["dongcheng"])
    run = MatchingRun.objects.create(committee=area["dongcheng"], scope_code="110101")

    # A killed worker's message comes back after the visibility timeout.
    slow = worker(tmp_path, broker_url=broker.url, hold_run_seconds=30, CELERY_VISIBILITY_TIMEOUT="3")
    try:
        send_task(broker.url, "matching.tasks.run_matching", [run.pk])
        wait_for(
            lambda: MatchingRun.objects.filter(pk=run.pk, status="running", attempts__gte=1).exists(),
            60,
            "the first worker to start the run",
        )
        time.sleep(2)  # inside the run's transaction now: proposals written, not committed
    finally:
        slow.kill()
        slow.stop()
    run.refresh_from_db()
    assert run.status == "running" and not Proposal.objects.filter(run=run).exists()

    healthy = worker(tmp_path, broker_url=broker.url, CELERY_VISIBILITY_TIMEOUT="3")
    try:
        wait_for(
            lambda: MatchingRun.objects.filter(pk=run.pk, status="done").exists(),
            90,
            "the restarted worker to finish the run",
        )
    finally:
        healthy.stop()
    run.refresh_from_db()
    written = list(Proposal.objects.filter(run=run).values_list("need_id", "resource_id", "quantity"))
    print(
        f"\nfault test (worker SIGKILLed mid-run, another started): run {run.pk} attempts={run.attempts} "
        f"runs=1 proposals={len(written)} expected={len(expected)} duplicates={len(written) - len(set(written))}"
    )
    assert set(written) == expected and len(written) == len(set(written))
    assert run.attempts >= 2
