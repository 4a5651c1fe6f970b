"""Runs over different districts at the same time, on PostgreSQL with real threads: a resource of city reach is
proposed no more than its quantity across them (issue 12, item 8), and topics that lost such a race are closed
with a reason instead of waiting for a confirmation that must fail."""

import threading
import time

import pytest
from django.db import connection

from committees.models import Need, Resource
from matching.models import MatchingRun, Proposal
from matching.pipeline import runs

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def execute_together(run_ids: list[int]) -> list[str]:
    """Execute the runs in threads released at the same moment; each thread has its own connection."""
    barrier = threading.Barrier(len(run_ids))
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def work(run_id: int) -> None:
        try:
            barrier.wait()
            results[run_id] = runs.execute(run_id)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(run_id,)) for run_id in run_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return [results[run_id] for run_id in run_ids]


def test_street_runs_in_two_districts_at_once_propose_a_city_resource_once(area, publish, monkeypatch):
    # Given one unit of a city-reach resource and a city-reach need in each district's street.
    perform = runs.perform

    def perform_then_wait(*args, **kwargs):
        figures = perform(*args, **kwargs)
        time.sleep(1.0)  # each run holds its transaction open after writing: the other one starts meanwhile
        return figures

    monkeypatch.setattr(runs, "perform", perform_then_wait)
    publish(Resource, area["zhaojialou"], reach="city", quantity=1, title="全市义诊车")
    publish(Need, area["minan"], reach="city", title="东城需要义诊")
    publish(Need, area["liupukang"], reach="city", title="西城需要义诊")
    east = MatchingRun.objects.create(scope_code=area["beixinqiao"].area_code, committee=area["beixinqiao"])
    west = MatchingRun.objects.create(scope_code=area["desheng"].area_code, committee=area["desheng"])

    # When both street runs start together.
    outcomes = execute_together([east.pk, west.pk])

    # Then both finish and the resource's one unit is proposed once.
    assert outcomes == ["done", "done"]
    proposed = Proposal.objects.filter(resource__title="全市义诊车", status__in=Proposal.OPEN_STATUSES)
    assert sum(proposed.values_list("quantity", flat=True)) == 1


def test_a_run_closes_topics_that_lost_a_race_with_a_reason(area, publish):
    # Given two open topics on one unit of a city-reach resource (proposed by two runs at once, before the fix).
    resource = publish(Resource, area["zhaojialou"], reach="city", quantity=1, title="全市义诊车")
    earlier = publish(Need, area["minan"], reach="city", title="先提出")
    later = publish(Need, area["liupukang"], reach="city", title="后提出")
    old = MatchingRun.objects.create(scope_code="", status="done")
    kept, lost = (
        Proposal.objects.create(run=old, need=need, resource=resource, committee=area[home], quantity=1)
        for need, home in ((earlier, "dongcheng"), (later, "xicheng"))
    )
    run = MatchingRun.objects.create(scope_code=area["dongcheng"].area_code, committee=area["dongcheng"])

    # When the next run over a district executes.
    assert runs.execute(run.pk) == "done"

    # Then the later topic is closed with a reason, the earlier one keeps the unit, nothing new is proposed on it.
    kept.refresh_from_db()
    lost.refresh_from_db()
    assert (kept.status, lost.status) == ("proposed", "expired")
    assert "另一议题" in lost.reason and lost.decided_at is not None  # the reason in Chinese
    run.refresh_from_db()
    assert run.counts["closed_lost_races"] == 1
    assert not Proposal.objects.filter(run=run, resource=resource).exists()
