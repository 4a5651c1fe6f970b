"""Topics on dead records: withdrawing or expiring a need or resource closes its open proposals in the same
transaction, with the reason, and tells both sides; from every surface (service, liaison page, admin, API, the
nightly job). Their quantity is free again for the next run."""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from committees import services
from committees.models import Need, Notification, Resource
from committees.services import records
from committees.services.expiry import expire_overdue_records
from committees.tasks import expire_overdue_records as expiry_task
from config.exceptions import InvalidTransition
from matching.models import Answer, Decision, MatchingRun, Proposal
from matching.pipeline import deliberate, runs
from matching.tasks import expire_undecided_topics

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(area, publish):
    """An open topic in 北新桥街道: 民安's need of check-ups ← 九道湾's hospital; the need side has accepted."""
    need = publish(Need, area["minan"], title="老人健康体检", quantity=1)
    resource = publish(Resource, area["jiudaowan"], title="医院志愿者义诊", quantity=3)
    return Proposal.objects.create(
        need=need,
        resource=resource,
        provider_unit=resource.owner_unit,
        committee=area["beixinqiao"],
        quantity=1,
        need_side=Answer.ACCEPTED,
        committee_decision=Decision.APPROVED,
        status=Proposal.Status.APPROVED,
    )


@pytest.fixture
def sides(topic, liaison_of):
    return {"need": liaison_of(topic.need.owner_unit), "provider": liaison_of(topic.resource.owner_unit)}


def run_over(committee):
    run = MatchingRun.objects.create(
        committee=committee, scope_code=committee.area_code, status=MatchingRun.Status.RUNNING
    )
    runs.perform(run)
    runs._finish(run)
    return run


def test_withdrawing_a_resource_closes_its_open_topic_with_the_reason(topic, sides):
    services.withdraw_record(topic.resource, by=sides["provider"], reason="医生抽调支援防疫")
    topic.refresh_from_db()
    assert topic.status == Proposal.Status.EXPIRED
    assert topic.reason == "“医院志愿者义诊”已下架（已撤回）：医生抽调支援防疫"
    assert topic.decided_at is not None


def test_both_sides_are_told_that_the_topic_closed(topic, sides):
    services.withdraw_record(topic.need, by=sides["need"], reason="居委会已自行解决")
    told = Notification.objects.filter(message__contains="居委会已自行解决")
    # the person who withdrew knows; the other side's liaison is told
    assert list(told.values_list("user", flat=True)) == [sides["provider"].pk]
    assert "议题已关闭" in told.get().message


def test_the_last_accept_on_a_withdrawn_resources_topic_is_refused_as_closed(topic, sides):
    services.withdraw_record(topic.resource, by=sides["provider"], reason="场地改作他用")
    with pytest.raises(InvalidTransition, match="该议题已结束"):
        deliberate.answer(topic, by=sides["provider"], accept=True)
    topic.refresh_from_db()
    assert (topic.status, topic.provider_side, topic.project_id) == ("expired", "pending", None)


def test_a_withdrawn_resources_topic_no_longer_holds_the_need_for_a_new_resource(area, publish, topic, sides):
    services.withdraw_record(topic.resource, by=sides["provider"], reason="医生抽调支援防疫")
    newcomer = publish(Resource, area["jiudaowan"], title="社区医院义诊", quantity=2)
    run = run_over(area["beixinqiao"])
    assert list(run.proposals.values_list("need_id", "resource_id", "quantity")) == [
        (topic.need_id, newcomer.pk, 1)
    ]


def test_expiry_closes_the_open_topics_of_a_need_past_its_deadline(topic):
    Need.objects.filter(pk=topic.need_id).update(deadline=datetime.date(2026, 11, 30))
    assert expire_overdue_records(datetime.date(2026, 12, 1)) == {"need": 1, "resource": 0}
    topic.refresh_from_db()
    assert topic.status == Proposal.Status.EXPIRED
    assert topic.reason == "“老人健康体检”已下架（已过期）：已过期。"


def test_the_nightly_job_closes_the_topics_of_a_resource_no_longer_available(topic, sides):
    Resource.objects.filter(pk=topic.resource_id).update(
        available_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert expiry_task() == {"need": 0, "resource": 1}
    topic.refresh_from_db()
    assert topic.status == Proposal.Status.EXPIRED
    assert Notification.objects.filter(user=sides["need"], message__contains="议题已关闭").exists()


def test_the_liaison_page_closes_the_topic(client, topic, sides):
    client.force_login(sides["need"])
    response = client.post(
        reverse("record_withdraw", args=["needs", topic.need_id]), {"reason": "居委会已自行解决"}
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.status == Proposal.Status.EXPIRED


def test_the_api_closes_the_topic(topic, sides):
    api = APIClient()
    api.force_authenticate(sides["provider"])
    response = api.post(
        f"/api/v1/resources/{topic.resource_id}/withdraw/", {"reason": "场地改作他用"}, format="json"
    )
    assert response.status_code == 200
    topic.refresh_from_db()
    assert topic.status == Proposal.Status.EXPIRED


def test_the_admin_action_closes_the_topic(client, topic, area, secretary_of):
    client.force_login(secretary_of(area["beixinqiao"]))
    client.post(
        reverse("admin:committees_need_changelist"),
        {"action": "withdraw", "_selected_action": [topic.need_id], "confirmed": "yes", "reason": "重复登记"},
    )
    topic.refresh_from_db()
    assert topic.status == Proposal.Status.EXPIRED


def test_closed_and_confirmed_topics_of_the_record_are_left_as_they_were(topic, sides, area):
    declined = Proposal.objects.create(
        need=topic.need,
        resource=topic.resource,
        provider_unit=topic.provider_unit,
        committee=area["beixinqiao"],
        quantity=1,
        status=Proposal.Status.DECLINED,
        reason="时间不合适",
    )
    services.withdraw_record(topic.resource, by=sides["provider"], reason="场地改作他用")
    declined.refresh_from_db()
    assert (declined.status, declined.reason) == ("declined", "时间不合适")


def test_withdrawal_and_closing_are_one_transaction(topic, sides, monkeypatch):
    def failing_closer(record, by, reason):
        raise RuntimeError("closer failed")

    monkeypatch.setattr(records, "RECORD_CLOSERS", [*records.RECORD_CLOSERS, failing_closer])
    with pytest.raises(RuntimeError):
        services.withdraw_record(topic.resource, by=sides["provider"], reason="场地改作他用")
    topic.refresh_from_db()
    topic.resource.refresh_from_db()
    assert (topic.status, topic.resource.status) == ("approved", "published")


def test_matching_registers_its_closer_once():
    assert records.RECORD_CLOSERS.count(deliberate.close_topics_of_record) == 1


def test_the_nightly_sweep_closes_a_topic_a_run_wrote_after_the_withdrawal(topic, sides):
    # given: a run read the resource before it was withdrawn and wrote its topic after
    services.withdraw_record(topic.resource, by=sides["provider"], reason="场地改作他用")
    late = Proposal.objects.create(
        need=topic.need,
        resource=topic.resource,
        provider_unit=topic.provider_unit,
        committee=topic.committee,
        quantity=1,
    )
    # when: the nightly topic job runs, twice
    assert expire_undecided_topics() == 1
    assert expire_undecided_topics() == 0
    # then
    late.refresh_from_db()
    assert (late.status, late.reason) == ("expired", "“医院志愿者义诊”已下架（已撤回）：场地改作他用")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_and_an_accept_on_the_same_topic_never_deadlock(topic, sides, monkeypatch):
    """The withdrawal holds the resource and then locks its topics; the accept locks the need, the resource and
    then the topic. Were the accept to lock the topic first, each would wait for the other (a deadlock, one of them
    killed by PostgreSQL). Here the closer waits until the accept is under way, so the two really overlap."""
    accept_started = threading.Event()

    def closer_after_the_accept_started(record, by, reason):
        accept_started.wait(5)
        time.sleep(0.5)  # the accept is now blocked on the resource (or, in the wrong order, holds the topic)
        deliberate.close_topics_of_record(record, by, reason)

    monkeypatch.setattr(records, "RECORD_CLOSERS", [closer_after_the_accept_started])
    outcome = {}

    def withdraw():
        try:
            services.withdraw_record(topic.resource, by=sides["provider"], reason="场地改作他用")
            outcome["withdraw"] = "done"
        except Exception as error:  # noqa: BLE001  (the test reports whatever happened)
            outcome["withdraw"] = type(error).__name__
        finally:
            connection.close()

    def accept():
        time.sleep(0.2)  # after the withdrawal has locked the resource
        accept_started.set()
        try:
            deliberate.answer(topic, by=sides["provider"], accept=True)
            outcome["accept"] = "done"
        except Exception as error:  # noqa: BLE001
            outcome["accept"] = type(error).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=withdraw), threading.Thread(target=accept)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome == {"withdraw": "done", "accept": "InvalidTransition"}
    topic.refresh_from_db()
    assert (topic.status, topic.project_id) == ("expired", None)
