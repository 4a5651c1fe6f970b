"""Time the nightly figures pass with a city's year of 吹哨报到 (PostgreSQL):

    manage.py bench_summons --summonses 50000 --departments 2000

Builds the registry if missing (as bench_figures: 16 districts, 333 streets, 7,000 communities), then 2,000
departments and stations spread over the districts (each covering one to four of its streets) and this year's
summonses from streets and communities to one to three of them, with reports (most on time), handling, closing and
ratings, written with COPY. Times figures.compute over the year and its months (the committees' figures and the
departments' in one pass) and the departments' part alone, and prints them. Running it again replaces the previous
run's synthetic rows."""

import datetime
import random
import resource as rusage
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from committees.models import Committee, Department, User
from matching import bulk
from matching.management import bench
from matching.models import DepartmentFigures, Summons, SummonsPart
from matching.outcomes import figures, periods

BENCH_USER = "bench_summons"
PREFIX = "基准部门"
CATEGORIES = [value for value, _label in Summons.Category.choices]


class Command(BaseCommand):
    help = "Generate a city's year of summonses to departments, then time the nightly figures pass."

    def add_arguments(self, parser):
        parser.add_argument("--summonses", type=int, default=50_000)
        parser.add_argument("--departments", type=int, default=2_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, summonses, departments, seed, **options):
        bench.require_postgres("bench_summons")
        rng = random.Random(seed)
        bench.ensure_city(self.stdout)
        started = time.perf_counter()
        user = bench.bench_user(BENCH_USER)
        self.clear(user)
        counts = self.make_year(user, departments, summonses, rng)
        bench.analyze()
        self.stdout.write(
            "data: "
            + ", ".join(f"{name} {count}" for name, count in counts.items())
            + f" written in {time.perf_counter() - started:.1f} s"
        )

        today = timezone.localdate()
        year = periods.year_with_months(today.year, today)
        began = time.perf_counter()
        rows = figures.compute(year)
        pass_seconds = time.perf_counter() - began
        began = time.perf_counter()
        department_rows = figures.compute_departments(year)
        department_seconds = time.perf_counter() - began
        peak_mb = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss / 1024

        city = DepartmentFigures.objects.filter(department__name__startswith=PREFIX, period=str(today.year))
        received = sum(row.summons_received for row in city)
        on_time = sum(row.reported_on_time for row in city)
        resolved = sum(row.resolved for row in city)
        self.stdout.write(f"\n{'step':<64}{'seconds':>10}")
        self.stdout.write(
            f"{f'nightly figures pass (committees and departments), {rows} rows':<64}{pass_seconds:>10.2f}"
        )
        self.stdout.write(
            f"{f'of which departments alone, {department_rows} rows':<64}{department_seconds:>10.2f}"
        )
        self.stdout.write(
            f"\ncity {today.year}: parts received {received}, reported on time {on_time} "
            f"({100 * on_time / received if received else 0:.1f} %), handled {resolved} "
            f"({100 * resolved / received if received else 0:.1f} %), peak RSS {peak_mb:.0f} MB"
        )
        self.stdout.write(
            f"bench_summons departments={counts['departments']} summonses={counts['summonses']} "
            f"parts={counts['parts']} figures_rows={rows} department_rows={department_rows} "
            f"pass_seconds={pass_seconds:.2f} department_seconds={department_seconds:.2f} peak_mb={peak_mb:.0f}"
        )

    def clear(self, user: User) -> None:
        """A raw delete of the previous run's rows: the ORM's would load each one and write history rows."""
        bench = Department.objects.filter(name__startswith=PREFIX)
        for queryset in (
            SummonsPart.objects.filter(summons__raised_by=user),
            Summons.objects.filter(raised_by=user),
            DepartmentFigures.objects.filter(department__in=bench),
            Department.streets.through.objects.filter(department__in=bench),
            bench,
        ):
            queryset._raw_delete(queryset.db)

    def make_year(self, user: User, department_count: int, summons_count: int, rng: random.Random) -> dict:
        now = timezone.now()
        year_start = timezone.make_aware(datetime.datetime(now.year, 1, 1, 9))
        span = (now - year_start).total_seconds()
        districts = list(Committee.objects.filter(level="district").values_list("pk", flat=True))
        streets_of: dict[int, list[int]] = {}
        for street_id, district_id in Committee.objects.filter(level="street").values_list("pk", "parent_id"):
            streets_of.setdefault(district_id, []).append(street_id)
        districts = [district for district in districts if streets_of.get(district)]
        street_code = dict(Committee.objects.filter(level="street").values_list("pk", "area_code"))
        communities_of: dict[str, list[int]] = {}
        for pk, code in Committee.objects.filter(level="community").values_list("pk", "area_code"):
            communities_of.setdefault(code[:9], []).append(pk)

        department_ids = self.reserve(Department, department_count)
        departments, coverage, covering = [], [], {}
        for index, department_id in enumerate(department_ids):
            district = districts[index % len(districts)]
            station = rng.random() < 0.7
            streets = rng.sample(streets_of[district], min(len(streets_of[district]), 1 if station else 4))
            departments.append(
                {
                    "id": department_id,
                    "name": f"{PREFIX}{index}",
                    "kind": "station" if station else "department",
                    "district_id": district,
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for street in streets:
                coverage.append({"department_id": department_id, "committee_id": street})
                covering.setdefault(street, []).append(department_id)
        streets = list(covering)

        summonses, parts = [], []
        for index, summons_id in enumerate(self.reserve(Summons, summons_count)):
            street = rng.choice(streets)
            community = rng.random() < 0.4 and communities_of.get(street_code[street])
            committee = rng.choice(community) if community else street
            urgent = rng.random() < 0.2
            raised = year_start + datetime.timedelta(seconds=rng.uniform(0, span))
            report_due = raised + (datetime.timedelta(hours=2) if urgent else datetime.timedelta(days=1))
            resolve_due = raised + (datetime.timedelta(hours=24) if urgent else datetime.timedelta(days=7))
            closes = raised + datetime.timedelta(days=rng.uniform(1, 20))
            closed = closes if closes < now and rng.random() < 0.85 else None
            summonses.append(
                {
                    "id": summons_id,
                    "committee_id": committee,
                    "title": f"基准吹哨{index}",
                    "place": "基准地点",
                    "category": rng.choice(CATEGORIES),
                    "urgency": "urgent" if urgent else "ordinary",
                    "report_due_at": report_due,
                    "resolve_due_at": resolve_due,
                    "status": ("resolved" if rng.random() < 0.8 else "unresolved") if closed else "open",
                    "raised_by_id": user.pk,
                    "raised_at": raised,
                    "closed_at": closed,
                    "closed_by_id": user.pk if closed else None,
                }
            )
            chosen = rng.sample(covering[street], min(len(covering[street]), rng.choice((1, 1, 2, 2, 3))))
            for department_id in chosen:
                allowed = (report_due - raised).total_seconds()
                reported = raised + datetime.timedelta(seconds=rng.uniform(0.05, 1.6) * allowed)
                reported = reported if reported < now and rng.random() < 0.95 else None
                finished = reported + datetime.timedelta(hours=rng.uniform(1, 200)) if reported else None
                finished = finished if finished and finished < now else None
                done = finished is not None and rng.random() < 0.85
                rated = closed if closed and reported else None
                scores = [rng.choice((5, 5, 4, 4, 3, 2)) for _i in range(3)] if rated else [None] * 3
                parts.append(
                    {
                        "summons_id": summons_id,
                        "department_id": department_id,
                        "status": ("done" if done else "unable")
                        if finished
                        else ("reported" if reported else "summoned"),
                        "attendee_name": "王队长" if reported else "",
                        "reported_at": reported,
                        "reported_by_id": user.pk if reported else None,
                        "finished_at": finished,
                        "timeliness": scores[0],
                        "attitude": scores[1],
                        "result": scores[2],
                        "rated_at": rated,
                    }
                )
        with transaction.atomic():
            self.copy(Department, departments)
            self.copy(Department.streets.through, coverage)
            self.copy(Summons, summonses)
            self.copy(SummonsPart, parts)
        return {"departments": len(departments), "summonses": len(summonses), "parts": len(parts)}

    def reserve(self, model, count: int) -> list[int]:
        """Ids from the table's own sequence, so COPY can write rows that refer to each other."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]

    def copy(self, model, rows: list[dict]) -> None:
        """Fields not given take their defaults; the columns follow the model."""
        with_ids = bool(rows) and "id" in rows[0]
        bulk.copy(model, rows, [f for f in model._meta.concrete_fields if with_ids or not f.primary_key])
