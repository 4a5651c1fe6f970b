"""Time 双报到 at a city's size (PostgreSQL):

    manage.py bench_volunteering --members 1000000 --sign-ups 5000000

Builds the registry if missing (16 districts, 333 streets, 7,000 communities, as bench_figures), then the reported
party members spread over every community, community tasks over the past year and the coming weeks (seven
sign-ups each), and the sign-ups (service records: confirmed hours for past tasks), all generated inside
PostgreSQL (INSERT … SELECT generate_series: no rows through Python). Times the nightly figures pass over the year
and its months for every committee, and a member's community task list (the phone page's query: first page and
count), and prints one line. Running it again replaces the previous run's rows."""

import datetime
import resource as rusage
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from committees import scoping
from committees.models import Committee, User
from matching import scoping as pipeline_scoping
from matching.management import bench
from matching.outcomes import figures, periods

PREFIX = "benchvol"  # no "_": it is a LIKE wildcard
PER_TASK = 7


class Command(BaseCommand):
    help = "Generate reported party members, a year of community tasks and their sign-ups, then time them."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=1_000_000)
        parser.add_argument("--sign-ups", type=int, default=5_000_000, dest="sign_ups")
        parser.add_argument(
            "--communities", type=int, default=7000, help="build the registry up to this size"
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="time the previous run's data again instead of regenerating it",
        )

    def handle(self, *args, members, sign_ups, communities, reuse=False, **options):
        bench.require_postgres("bench_volunteering")
        bench.ensure_city(
            self.stdout,
            communities=communities,
            streets=max(communities // 21, 1),
            units=max(communities * 7, 100),
        )
        community_ids = list(
            Committee.objects.filter(level="community").order_by("pk").values_list("pk", flat=True)
        )
        if members < len(community_ids) * PER_TASK:
            raise CommandError(
                f"at least {PER_TASK} members a community: --members {len(community_ids) * PER_TASK}"
            )
        started = time.perf_counter()
        user = bench.bench_user("bench_volunteering")
        if not (reuse and User.objects.filter(username=f"{PREFIX}{members}").exists()):
            self.clear()
            self.generate(user, community_ids, members, sign_ups)
            bench.analyze()
        written = time.perf_counter() - started
        self.stdout.write(f"data: {members} members, {sign_ups} sign-ups written in {written:.1f} s")

        today = timezone.localdate()
        year = periods.year_with_months(today.year, today)
        began = time.perf_counter()
        rows = figures.compute(year)
        figures_seconds = time.perf_counter() - began

        member = User.objects.filter(username=f"{PREFIX}{members // 2}").get()
        task_list = self.time_task_list(member)
        peak_mb = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"bench_volunteering communities={len(community_ids)} members={members} sign_ups={sign_ups} "
            f"figures_rows={rows} figures_seconds={figures_seconds:.2f} "
            f"task_list_ms={task_list * 1000:.1f} peak_mb={peak_mb:.0f} generate_seconds={written:.1f}"
        )

    def time_task_list(self, member) -> float:
        """The member's task list page: the coming tasks of their community, first page and count (median of 7)."""
        timings = []
        for _ in range(7):
            scoping.forget_scope(member)
            began = time.perf_counter()
            tasks = (
                pipeline_scoping.tasks_for(member)
                .filter(starts_at__gte=timezone.now())
                .order_by("starts_at", "pk")
            )
            list(tasks[:20])
            tasks.count()
            timings.append(time.perf_counter() - began)
        return statistics.median(timings)

    def clear(self) -> None:
        with connection.cursor() as cursor, transaction.atomic():
            like = f"{PREFIX}%"
            cursor.execute(
                "DELETE FROM matching_signup WHERE member_id IN (SELECT r.id FROM committees_memberreport r "
                "JOIN committees_user u ON u.id = r.user_id WHERE u.username LIKE %s)",
                [like],
            )
            cursor.execute("DELETE FROM matching_communitytask WHERE title = '基准任务'")
            cursor.execute(
                "DELETE FROM committees_memberreport WHERE user_id IN "
                "(SELECT id FROM committees_user WHERE username LIKE %s)",
                [like],
            )
            cursor.execute("DELETE FROM committees_user WHERE username LIKE %s", [like])

    def generate(self, user, community_ids: list[int], members: int, sign_ups: int) -> None:
        count = len(community_ids)
        per_community = members // count
        tasks = sign_ups // PER_TASK
        now = timezone.now()
        year_start = timezone.make_aware(datetime.datetime(now.year, 1, 1, 9))
        span = (now + datetime.timedelta(days=30) - year_start).total_seconds()
        with connection.cursor() as cursor, transaction.atomic():
            cursor.execute(
                "INSERT INTO committees_user (password, is_superuser, username, first_name, last_name, email, "
                "is_staff, is_active, date_joined, name, phone, email_digest) "
                "SELECT '!', false, %s || g, '', '', '', false, true, now(), '党员' || g, '', %s "
                "FROM generate_series(1, %s) g",
                [PREFIX, User.EmailDigest.DIGEST, members],
            )
            # member n lives in community (n - 1) % count, as its ((n - 1) / count)-th member
            cursor.execute(
                "CREATE TEMP TABLE bench_members ON COMMIT DROP AS "
                "SELECT r.id, r.ci, r.q FROM (SELECT 0 AS id, 0 AS ci, 0 AS q) r WHERE false"
            )
            cursor.execute(
                "WITH u AS (SELECT id, name, substr(username, %s)::int AS n FROM committees_user "
                "WHERE username LIKE %s), "
                "ins AS (INSERT INTO committees_memberreport (user_id, community_id, name, phone, address, unit_id, "
                "unit_name, skills, availability, commitment, status, status_reason, created_at, confirmed_at) "
                "SELECT u.id, (%s::bigint[])[((u.n - 1) %% %s) + 1], u.name, '13800000000', '', NULL, '某单位', "
                "',general,', '', '', 'confirmed', '', now(), now() - interval '200 days' FROM u "
                "RETURNING id, user_id) "
                "INSERT INTO bench_members SELECT ins.id, (u.n - 1) %% %s, (u.n - 1) / %s FROM ins "
                "JOIN u ON u.id = ins.user_id",
                [len(PREFIX) + 1, f"{PREFIX}%", community_ids, count, count, count],
            )
            cursor.execute("CREATE INDEX ON bench_members (ci, q)")
            cursor.execute(
                "CREATE TEMP TABLE bench_tasks ON COMMIT DROP AS SELECT 0::bigint AS id, 0 AS ci, 0 AS g WHERE false"
            )
            cursor.execute(
                "WITH ins AS (INSERT INTO matching_communitytask (community_id, title, description, place, "
                "starts_at, ends_at, people_wanted, signed_up_count, filled_at, skill, urgent, street_wide, "
                "status, created_by_id, created_at) "
                "SELECT (%s::bigint[])[((g - 1) %% %s) + 1], '基准任务', '', '社区活动室', "
                "%s + (g * %s / %s) * interval '1 second', "
                "%s + (g * %s / %s) * interval '1 second' + interval '2 hours', %s, %s, "
                "%s + (g * %s / %s) * interval '1 second' - interval '1 day', '', false, false, 'published', %s, "
                "now() FROM generate_series(1, %s) g RETURNING id, community_id, starts_at) "
                "INSERT INTO bench_tasks SELECT id, array_position(%s::bigint[], community_id) - 1, "
                "row_number() OVER (ORDER BY id) FROM ins",
                [
                    community_ids, count,
                    year_start, span, tasks,
                    year_start, span, tasks, PER_TASK + 1, PER_TASK,
                    year_start, span, tasks, user.pk,
                    tasks, community_ids,
                ],
            )  # fmt: skip
            cursor.execute(
                "INSERT INTO matching_signup (task_id, member_id, status, created_at, checked_in_at, hours, "
                "confirmed_at) "
                "SELECT t.id, m.id, CASE WHEN ct.ends_at < now() THEN 'confirmed' ELSE 'signed_up' END, "
                "ct.starts_at - interval '2 days', CASE WHEN ct.ends_at < now() THEN ct.starts_at END, "
                "CASE WHEN ct.ends_at < now() THEN 2.0 END, CASE WHEN ct.ends_at < now() THEN ct.ends_at END "
                "FROM bench_tasks t JOIN matching_communitytask ct ON ct.id = t.id "
                "CROSS JOIN generate_series(0, %s) k "
                "JOIN bench_members m ON m.ci = t.ci AND m.q = ((t.g / %s) * %s + k) %% %s",
                [PER_TASK - 1, count, PER_TASK, per_community],
            )
