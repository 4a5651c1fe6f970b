"""8 processes make 1,000 sign-up attempts for 20 tasks of 10 places each, on PostgreSQL: no task ever takes more
people than it asked for, its counter equals its live sign-ups, and every refusal is a 'task full'."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from committees.models import MemberReport, User
from matching.models import CommunityTask, SignUp
from tests.factories import SeatFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
PROCESSES, ATTEMPTS, TASKS, PLACES = 8, 1000, 20, 10


def test_concurrent_sign_ups_never_over_fill(area):
    minan = area["minan"]
    secretary = SeatFactory(committee=minan, role="secretary").user
    members = ATTEMPTS // TASKS  # each member tries every task once: 50 attempts per task for 10 places
    users = User.objects.bulk_create([User(username=f"m{i}", name=f"党员{i}") for i in range(members)])
    MemberReport.objects.bulk_create(
        [
            MemberReport(
                user=u,
                community=minan,
                name=u.name,
                phone="13812345678",
                unit_name="某单位",
                status="confirmed",
            )
            for u in users
        ]
    )
    start = timezone.now() + datetime.timedelta(days=2)
    tasks = CommunityTask.objects.bulk_create(
        [
            CommunityTask(
                community=minan,
                title=f"任务{i}",
                place="社区活动室",
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=2),
                people_wanted=PLACES,
                created_by=secretary,
            )
            for i in range(TASKS)
        ]
    )
    pairs = [f"{users[i // TASKS].pk}:{tasks[i % TASKS].pk}" for i in range(ATTEMPTS)]
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.matching.sign_up_attempts", *pairs[k::PROCESSES]],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(PROCESSES)
    ]
    outcomes = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err[-2000:]
        outcomes.append(json.loads(out.strip().splitlines()[-1]))

    signed = sum(o["signed_up"] for o in outcomes)
    full = sum(o["full"] for o in outcomes)
    other = [e for o in outcomes for e in o["other"]]
    rows = CommunityTask.objects.annotate(live=Count("sign_ups", filter=Q(sign_ups__status__in=SignUp.LIVE)))
    over = [t.pk for t in rows if t.live > t.people_wanted or t.signed_up_count > t.people_wanted]
    mismatched = [t.pk for t in rows if t.live != t.signed_up_count]
    print(
        f"\nsign-up concurrency: {PROCESSES} processes, {ATTEMPTS} attempts, {signed} signed up, {full} refused "
        f"as full, {len(other)} other errors, over-filled tasks={len(over)}"
    )
    assert over == [] and mismatched == [] and other == []
    assert signed == TASKS * PLACES == SignUp.objects.count()
    assert signed + full == ATTEMPTS
    assert all(t.filled_at is not None for t in rows)
