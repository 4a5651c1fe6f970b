"""Escalation between levels: untaken needs widen their reach one level after their committee's window."""

import datetime

import pytest
from django.utils import timezone

from committees.models import Need, Resource
from matching.models import MatchingRun, Proposal
from matching.pipeline import escalate

pytestmark = pytest.mark.django_db


def age(need, days):
    Need.objects.filter(pk=need.pk).update(published_at=timezone.now() - datetime.timedelta(days=days))


def test_an_untaken_need_moves_one_level_up_after_the_window(area, publish):
    need = publish(Need, area["minan"], reach="community")
    age(need, 15)  # the default window is 14 days
    assert escalate.run() == 1
    need.refresh_from_db()
    assert (need.reach, need.reach_prefix) == ("street", "110101005")
    latest = need.history.first()
    assert "Escalated" in latest.history_change_reason or "上报" in latest.history_change_reason


def test_the_window_is_the_committees_own(area, publish):
    area["minan"].escalation_days = 30
    area["minan"].save()
    need = publish(Need, area["minan"], reach="community")
    age(need, 15)
    assert escalate.run() == 0


def test_each_step_restarts_the_window_and_is_kept_in_the_history(area, publish):
    need = publish(Need, area["minan"], reach="community")
    age(need, 15)
    now = timezone.now()
    escalate.run(now=now)
    assert escalate.run(now=now + datetime.timedelta(days=1)) == 0
    escalate.run(now=now + datetime.timedelta(days=15))
    escalate.run(now=now + datetime.timedelta(days=30))
    need.refresh_from_db()
    assert need.reach == "city"
    assert list(need.history.order_by("history_date").values_list("reach", flat=True))[-3:] == [
        "street",
        "district",
        "city",
    ]
    assert escalate.run(now=now + datetime.timedelta(days=60)) == 0  # nothing above the city


def test_a_need_with_an_open_proposal_is_not_escalated(area, publish):
    need = publish(Need, area["minan"], reach="community")
    resource = publish(Resource, area["minan"], reach="community")
    Proposal.objects.create(
        run=MatchingRun.objects.create(scope_code=""),
        need=need,
        resource=resource,
        committee=area["minan"],
        quantity=1,
    )
    age(need, 20)
    assert escalate.run() == 0


def test_an_escalated_need_reaches_the_streets_resources_in_the_next_run(area, publish):
    need = publish(Need, area["minan"], reach="community", title="需要义诊")
    publish(Resource, area["jiudaowan"], reach="street", title="义诊")
    age(need, 15)
    escalate.run()
    from matching.pipeline import runs

    run = MatchingRun.objects.create(scope_code="110101005", committee=area["beixinqiao"])
    runs.execute(run.pk)
    assert run.proposals.get().need == need
