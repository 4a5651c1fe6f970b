"""PostgreSQL becomes unreachable for a few seconds in the middle of a run (a proxy between the worker and the
database drops every connection and refuses new ones): the worker logs the OperationalError and retries, nothing of
the interrupted attempt is left behind, and once the database is back the run finishes once."""

import re
import time

import pytest
from django.db import connection

from committees.models import Need, Resource
from matching.models import MatchingRun, Proposal

from .helpers import TcpProxy, db_url, expected_proposals, send_task, wait_for, worker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


def test_a_database_outage_mid_run_is_retried_and_leaves_no_half_written_run(area, publish, broker, tmp_path):
    for i in range(12):
        publish(Need, area["minan" if i % 2 else "jiudaowan"], quantity=1 + i % 3, title=f"需要义诊{i}")
        publish(Resource, area["jiudaowan" if i % 3 else "beixinqiao"], quantity=2, title=f"提供义诊{i}")
    expected = expected_proposals("110101", area["dongcheng"])
    run = MatchingRun.objects.create(committee=area["dongcheng"], scope_code="110101")
    proxy = TcpProxy(
        int(connection.settings_dict["PORT"] or 5432), connection.settings_dict["HOST"] or "127.0.0.1"
    )

    # given a worker reaching PostgreSQL through the proxy, 3 s inside a run's transaction
    busy = worker(tmp_path, broker_url=broker.url, database_url=db_url(proxy.port), hold_run_seconds=3)
    try:
        send_task(broker.url, "matching.tasks.run_matching", [run.pk])
        wait_for(
            lambda: MatchingRun.objects.filter(pk=run.pk, status="running", attempts__gte=1).exists(),
            60,
            "the worker to start the run",
        )
        time.sleep(0.5)

        # when the database is unreachable for 4 s
        cut = proxy.cut()
        time.sleep(4)
        during = MatchingRun.objects.get(pk=run.pk)
        half_written = Proposal.objects.filter(run=run).count()
        proxy.restore()

        # then the run is retried and finishes once the database answers again
        wait_for(
            lambda: MatchingRun.objects.filter(pk=run.pk, status="done").exists(), 60, "the run to finish"
        )
        log = busy.output()
    finally:
        busy.stop()
        proxy.close()

    run.refresh_from_db()
    written = list(Proposal.objects.filter(run=run).values_list("need_id", "resource_id", "quantity"))
    retries = re.findall(r"Retry in [\d.]+s: (\w*Error)", log)
    print(
        f"\nfault test (PostgreSQL unreachable 4 s mid-run): connections_cut={cut} refused_while_down={proxy.refused} "
        f"status_while_down={during.status} proposals_while_down={half_written} retries={len(retries)} "
        f"({', '.join(sorted(set(retries)))}) attempts={run.attempts} runs=1 proposals={len(written)} "
        f"expected={len(expected)} duplicates={len(written) - len(set(written))} error={run.error!r}"
    )
    assert cut >= 1 and during.status == "running" and half_written == 0
    assert retries and set(retries) <= {"OperationalError", "InterfaceError"}
    assert run.status == "done" and run.error == "" and run.attempts >= 2
    assert set(written) == expected and len(written) == len(set(written))
    assert MatchingRun.objects.count() == 1
