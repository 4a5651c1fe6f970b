"""The broker's Redis is killed and restarted, empty, while a worker is in the middle of a run: the worker reconnects
by itself, the run in progress finishes, and the run whose message Redis forgot is sent again by the recovery job."""

import re
import time

import pytest
import redis
from django.utils import timezone

from committees.models import Need, Resource
from config.celery import app
from matching.models import MatchingRun, Proposal
from matching.pipeline import runs

from .helpers import expected_proposals, send_task, wait_for, worker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


def test_a_restarted_redis_loses_messages_but_no_run(area, publish, broker, tmp_path):
    for i in range(8):
        publish(Need, area["minan" if i % 2 else "jiudaowan"], quantity=1 + i % 3, title=f"需要义诊{i}")
        publish(Resource, area["beixinqiao"], quantity=2, title=f"提供义诊{i}")
        publish(Need, area["liupukang"], quantity=1, title=f"需要法律咨询{i}", category="legal")
        publish(Resource, area["desheng"], quantity=3, title=f"提供法律咨询{i}", category="legal")
    expected = {
        "110101": expected_proposals("110101", area["dongcheng"]),
        "110102": expected_proposals("110102", area["xicheng"]),
    }
    first = MatchingRun.objects.create(committee=area["dongcheng"], scope_code="110101")
    second = MatchingRun.objects.create(committee=area["xicheng"], scope_code="110102")
    queue = app.amqp.router.route({}, "matching.tasks.run_matching")["queue"].name

    # given a worker busy with the first run (4 s inside its transaction) and the second run's message waiting
    busy = worker(tmp_path, broker_url=broker.url, hold_run_seconds=4)
    try:
        send_task(broker.url, "matching.tasks.run_matching", [first.pk])
        wait_for(
            lambda: MatchingRun.objects.filter(pk=first.pk, status="running").exists(),
            60,
            "the worker to start the first run",
        )
        send_task(broker.url, "matching.tasks.run_matching", [second.pk])
        assert redis.Redis.from_url(broker.url).llen(queue) == 1

        # when Redis dies and comes back empty
        broker.kill()
        time.sleep(1)
        broker.restart()
        lost = redis.Redis.from_url(broker.url).llen(queue) == 0

        # then the run in progress finishes, and the worker takes tasks again from the new Redis
        wait_for(
            lambda: MatchingRun.objects.filter(pk=first.pk, status="done").exists(),
            60,
            "the first run to finish",
        )
        wait_for(
            lambda: len(re.findall(r"Connected to redis://", busy.output())) >= 2,
            60,
            "the worker to reconnect to the restarted Redis",
        )
        second.refresh_from_db()
        assert second.status == "pending"  # its message went down with Redis
        # The recovery job (every 5 minutes) re-sends runs left pending longer than STALE_AFTER_SECONDS.
        MatchingRun.objects.filter(pk=second.pk).update(
            created_at=timezone.now() - timezone.timedelta(seconds=runs.STALE_AFTER_SECONDS + 60)
        )
        send_task(broker.url, "matching.tasks.recover_stalled_runs", [])
        wait_for(
            lambda: MatchingRun.objects.filter(pk=second.pk, status="done").exists(),
            60,
            "the recovery job to have the second run done",
        )
        worker_alive = busy.popen.poll() is None
        log = busy.output()
    finally:
        busy.stop()

    written = {
        run.scope_code: list(run.proposals.values_list("need_id", "resource_id", "quantity"))
        for run in MatchingRun.objects.filter(pk__in=[first.pk, second.pk])
    }
    duplicates = sum(len(rows) - len(set(rows)) for rows in written.values())
    total = sum(len(rows) for rows in written.values())
    print(
        f"\nfault test (Redis killed and restarted empty mid-run): redis_restarts=1 messages_lost={int(lost)} "
        f"worker_reconnected={int(worker_alive)} runs=2 done=2 resent_by_recovery=1 proposals={total} "
        f"expected={sum(map(len, expected.values()))} duplicates={duplicates}"
    )
    assert lost and worker_alive and "recover_stalled_runs" in log
    assert {code: set(rows) for code, rows in written.items()} == expected
    assert duplicates == 0
    assert Proposal.objects.count() == total
