"""Register the default beat schedule in the database (editable afterwards in the admin). Idempotent: an
existing entry keeps the times a secretary or administrator set."""

from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask

HEARTBEAT = "beat 心跳（健康检查用）"
DEFAULT_SCHEDULES = [
    # name, task, minute, hour (Beijing time)[, day of the month: every day unless given]
    ("提醒未回复征集的成员单位", "committees.tasks.remind_collection_rounds", "0", "9"),
    ("过期需求与资源下架", "committees.tasks.expire_overdue_records", "10", "0"),
    ("需求逐级上报（超出认领期无人承接）", "matching.tasks.escalate_needs", "30", "1"),
    ("每晚按区自动匹配", "matching.tasks.start_nightly_runs", "0", "2"),
    ("恢复中断的匹配任务", "matching.tasks.recover_stalled_runs", "*/5", "*"),
    ("逾期未决议题过期", "matching.tasks.expire_undecided_topics", "20", "0"),
    (
        "全体会议次数检查与提醒",
        "matching.tasks.check_meeting_compliance",
        "0",
        "10",
        "1",
    ),  # monthly, on the 1st
    ("评价窗口到期公开与评价提醒", "matching.tasks.close_evaluation_windows", "0", "8"),
    ("逾期项目提醒（结转或完成）", "matching.tasks.remind_late_projects", "30", "8"),
    ("成员单位信誉分计算", "matching.tasks.compute_reputations", "0", "3"),
    ("统计三率与各项指标", "matching.tasks.compute_figures", "30", "3"),
    ("吹哨报到：逾期未报到提醒与上报", "matching.tasks.chase_summons", "*/5", "*"),
    ("每日待办与通知邮件摘要", "committees.tasks.send_daily_digests", "0", "7"),
    ("提醒报到党员明天的社区任务", "matching.tasks.remind_tomorrows_tasks", "0", "18"),  # 双报到
    # /healthz calls beat stale when this has not run for 3 minutes.
    (HEARTBEAT, "config.celery.heartbeat", "*", "*"),
]


class Command(BaseCommand):
    help = "Create the default periodic tasks for Celery beat."

    def handle(self, *args, **options):
        for name, task, minute, hour, *day in DEFAULT_SCHEDULES:
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_week="*",
                day_of_month=day[0] if day else "*",
                month_of_year="*",
                timezone="Asia/Shanghai",
            )
            defaults = {"task": task, "crontab": crontab}
            if name == HEARTBEAT:
                defaults["expire_seconds"] = 60  # no pile of stale heartbeats while the workers are down
            _task, created = PeriodicTask.objects.get_or_create(name=name, defaults=defaults)
            self.stdout.write(f"{'created' if created else 'kept'}: {name} ({task})")
