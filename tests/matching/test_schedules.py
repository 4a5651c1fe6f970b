"""The meeting-compliance reminder runs monthly: registered so, and moved there from the old daily default."""

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

pytestmark = pytest.mark.django_db

TASK = "matching.tasks.check_meeting_compliance"
migration = importlib.import_module("matching.migrations.0005_compliance_monthly")


def crontab_of(task: str) -> tuple:
    c = PeriodicTask.objects.get(task=task).crontab
    return (c.minute, c.hour, c.day_of_month, c.month_of_year, c.day_of_week)


def test_the_compliance_reminder_is_scheduled_monthly():
    call_command("setup_schedules")
    assert crontab_of(TASK) == ("0", "10", "1", "*", "*")
    assert crontab_of("matching.tasks.start_nightly_runs") == ("0", "2", "*", "*", "*")


def _daily(minute: str, hour: str) -> CrontabSchedule:
    return CrontabSchedule.objects.create(
        minute=minute,
        hour=hour,
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )


def test_the_migration_moves_a_row_still_on_the_daily_default_to_the_monthly_schedule():
    PeriodicTask.objects.create(name="全体会议次数检查与提醒", task=TASK, crontab=_daily("0", "10"))
    migration.move_to_monthly(apps, None)
    assert crontab_of(TASK) == ("0", "10", "1", "*", "*")
    migration.move_to_monthly(apps, None)
    assert crontab_of(TASK) == ("0", "10", "1", "*", "*")


def test_the_migration_keeps_a_time_someone_chose():
    PeriodicTask.objects.create(name="全体会议次数检查与提醒", task=TASK, crontab=_daily("30", "16"))
    migration.move_to_monthly(apps, None)
    assert crontab_of(TASK) == ("30", "16", "*", "*", "*")
