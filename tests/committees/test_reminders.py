import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from committees import services
from committees.models import CollectionRequest
from committees.services.rounds import send_round_reminders
from committees.tasks import remind_collection_rounds

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 13)


@pytest.fixture
def round_closing_in_two_days(two_streets, secretary_of, liaison_of):
    petro_liaison = liaison_of(two_streets["petro"], two_streets["beixinqiao"])
    petro_liaison.email = "petro@example.cn"
    petro_liaison.save()
    return services.open_collection_round(
        committee=two_streets["beixinqiao"],
        by=secretary_of(two_streets["beixinqiao"]),
        title="年度征集",
        opens_on=TODAY - datetime.timedelta(days=10),
        closes_on=TODAY + datetime.timedelta(days=2),
    )


def test_unanswered_units_are_reminded_two_days_before_and_on_the_day(round_closing_in_two_days):
    assert send_round_reminders(TODAY) == 1
    assert mail.outbox[0].to == ["petro@example.cn"]
    assert "年度征集" in mail.outbox[0].subject
    assert send_round_reminders(TODAY + datetime.timedelta(days=1)) == 0
    assert send_round_reminders(TODAY + datetime.timedelta(days=2)) == 1
    assert len(mail.outbox) == 2


def test_a_reminder_is_sent_once_however_often_the_job_runs(round_closing_in_two_days):
    send_round_reminders(TODAY)
    send_round_reminders(TODAY)
    assert len(mail.outbox) == 1
    assert CollectionRequest.objects.get().reminders_sent == ["D-2"]


def test_units_that_answered_are_not_reminded(round_closing_in_two_days, two_streets):
    request = CollectionRequest.objects.get()
    request.answered_at = request.round.created_at
    request.save()
    assert send_round_reminders(TODAY) == 0
    assert mail.outbox == []


def test_the_task_calls_the_reminders(round_closing_in_two_days, monkeypatch):
    monkeypatch.setattr("committees.services.rounds.timezone.localdate", lambda: TODAY)
    assert remind_collection_rounds.apply().get() == 1


def test_the_default_schedule_is_registered_once():
    call_command("setup_schedules")
    call_command("setup_schedules")
    assert PeriodicTask.objects.filter(task="committees.tasks.remind_collection_rounds").count() == 1
