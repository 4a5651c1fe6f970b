"""A real Celery worker on Redis and PostgreSQL is killed (SIGKILL) in the middle of a run and restarted:
the run completes with the same proposals as an undisturbed run, and nothing twice."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from committees.models import Need, Resource
from config.celery import app
from matching import runs
from matching.models import MatchingRun, Proposal

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True
    ),  # the seeded categories survive flushes
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]
ROOT = Path(__file__).resolve().parents[2]


def worker(extra_env: dict) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_VISIBILITY_TIMEOUT": "3",  # a killed worker's message comes back after this
        **extra_env,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            f"--hostname=fault{time.monotonic_ns()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _test_database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def expected_proposals(run_scope, committee) -> set:
    """What an undisturbed run writes, computed and rolled back."""
    with transaction.atomic():
        scratch = MatchingRun.objects.create(scope_code=run_scope, committee=committee, status="running")
        runs.perform(scratch)
        result = set(scratch.proposals.values_list("need_id", "resource_id", "quantity"))
        transaction.set_rollback(True)
    return result


def test_a_killed_worker_leaves_no_trace_and_the_restarted_one_finishes_the_run(area, publish):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL=redis://...")
    for i in range(12):
        publish(Need, area["minan" if i % 2 else "jiudaowan"], quantity=1 + i % 3, title=f"需要义诊{i}")
        publish(Resource, area["jiudaowan" if i % 3 else "beixinqiao"], quantity=2, title=f"提供义诊{i}")
    expected = expected_proposals("110101", area["dongcheng"])
    app.control.purge()
    run = MatchingRun.objects.create(committee=area["dongcheng"], scope_code="110101")

    slow = worker({"MATCHING_FAULT_DELAY_SECONDS": "30"})
    try:
        app.send_task("matching.tasks.run_matching", args=[run.pk])
        wait_for(
            lambda: MatchingRun.objects.filter(pk=run.pk, status="running", attempts__gte=1).exists(),
            60,
            "the first worker to start the run",
        )
        time.sleep(2)  # inside the run's transaction now: proposals written, not committed
        os.killpg(slow.pid, signal.SIGKILL)
        slow.wait(10)
    finally:
        if slow.poll() is None:
            os.killpg(slow.pid, signal.SIGKILL)
    run.refresh_from_db()
    assert run.status == "running" and not Proposal.objects.filter(run=run).exists()

    healthy = worker({})
    try:
        wait_for(
            lambda: MatchingRun.objects.filter(pk=run.pk, status="done").exists(),
            90,
            "the restarted worker to finish the run",
        )
    finally:
        os.killpg(healthy.pid, signal.SIGTERM)
        healthy.wait(20)
    run.refresh_from_db()
    written = list(Proposal.objects.filter(run=run).values_list("need_id", "resource_id", "quantity"))
    print(
        f"\nfault test: run {run.pk} attempts={run.attempts} proposals={len(written)} "
        f"expected={len(expected)} duplicates={len(written) - len(set(written))}"
    )
    assert set(written) == expected and len(written) == len(set(written))
    assert run.attempts >= 2
