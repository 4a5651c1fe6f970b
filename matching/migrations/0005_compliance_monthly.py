"""The meeting-compliance reminder was registered daily (10:00) though it is meant to run monthly: a row still on
that old default moves to 10:00 on the 1st of each month; a time someone chose in the admin is kept."""

from django.db import migrations
from django.utils import timezone

TASK = "matching.tasks.check_meeting_compliance"
OLD_DAILY = {"minute": "0", "hour": "10", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}


def move_to_monthly(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")  # beat's "schedule changed" marker
    for task in PeriodicTask.objects.filter(task=TASK, crontab__isnull=False).select_related("crontab"):
        crontab = task.crontab
        if any(getattr(crontab, field) != value for field, value in OLD_DAILY.items()):
            continue
        monthly, _ = CrontabSchedule.objects.get_or_create(
            **{**OLD_DAILY, "day_of_month": "1"}, timezone=crontab.timezone
        )
        task.crontab = monthly
        task.save(update_fields=["crontab"])
        # Historical models send no signals: tell a running beat to reload its schedule, as the admin would.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0004_outcomes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(move_to_monthly, migrations.RunPython.noop)]
