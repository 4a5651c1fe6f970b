"""Time the nightly figures on a Beijing-sized data set (PostgreSQL):

    manage.py bench_figures --projects 100000

Builds the registry if missing (16 districts, 333 streets, 7,000 communities), then this year's needs, proposals,
projects (most completed), two-way evaluations, resources and plenary meetings, written with COPY. Times
figures.compute over the year and its months for every committee, and the reputations, and prints them.
Running it again replaces the previous run's synthetic rows."""

import datetime
import random
import resource as rusage
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from committees.models import Allocation, Category, Committee, Membership, Need, Project, Resource, User
from matching import bulk
from matching.management import bench
from matching.models import CommitteeFigures, Evaluation, Meeting, Proposal
from matching.outcomes import evaluation, figures, periods

BENCH_USER = "bench_figures"
TITLE = "基准项目"
SCORES = (5, 5, 5, 4, 4, 4, 3, 2, 1)


class Command(BaseCommand):
    help = "Generate a city's year of projects and evaluations, then time the figures job."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, projects, seed, **options):
        bench.require_postgres("bench_figures")
        rng = random.Random(seed)
        bench.ensure_city(self.stdout)
        started = time.perf_counter()
        user = bench.bench_user(BENCH_USER)
        self.clear(user)
        counts = self.make_year(user, projects, rng)
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
        figures_seconds = time.perf_counter() - began
        began = time.perf_counter()
        rated = evaluation.compute_reputations()
        reputation_seconds = time.perf_counter() - began
        peak_mb = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss / 1024
        committees = Committee.objects.count()

        self.stdout.write(f"\n{'step':<58}{'seconds':>10}")
        self.stdout.write(
            f"{f'figures: {committees} committees × {len(year)} periods = {rows} rows':<58}{figures_seconds:>10.2f}"
        )
        self.stdout.write(f"{f'reputations of {rated} rated units':<58}{reputation_seconds:>10.2f}")
        self.stdout.write(f"{'total':<58}{figures_seconds + reputation_seconds:>10.2f}")
        city = CommitteeFigures.objects.filter(committee__level="district", period=str(today.year))
        raised = sum(row.needs_raised for row in city)
        resolved = sum(row.needs_resolved for row in city)
        self.stdout.write(
            f"\ncity {today.year}: needs raised {raised}, resolved {resolved} "
            f"({100 * resolved / raised if raised else 0:.1f} %), peak RSS {peak_mb:.0f} MB"
        )
        self.stdout.write(
            f"bench_figures committees={committees} projects={counts['projects']} rows={rows} "
            f"figures_seconds={figures_seconds:.2f} reputation_seconds={reputation_seconds:.2f} "
            f"total_seconds={figures_seconds + reputation_seconds:.2f} peak_mb={peak_mb:.0f}"
        )

    def clear(self, user: User) -> None:
        """A raw delete of the previous run's rows: the ORM's would load each one and write history rows."""
        bench_projects = Project.objects.filter(title__startswith=TITLE)
        bench_needs = Need.objects.filter(created_by=user)
        for queryset in (
            Evaluation.objects.filter(project__in=bench_projects),
            Allocation.objects.filter(project__in=bench_projects),
            Proposal.objects.filter(need__in=bench_needs),
            bench_projects,
            bench_needs,
            Resource.objects.filter(created_by=user),
            Meeting.objects.filter(title__startswith=TITLE),
        ):
            queryset._raw_delete(queryset.db)

    def make_year(self, user: User, project_count: int, rng: random.Random) -> dict[str, int]:
        now = timezone.now()
        year_start = timezone.make_aware(datetime.datetime(now.year, 1, 1, 9))
        span = (now - year_start).total_seconds()
        committees = list(Committee.objects.values_list("pk", "area_code", "level"))
        homes = [c for c in committees if c[2] == "community"] * 7 + [
            c for c in committees if c[2] == "street"
        ] * 2
        homes += [c for c in committees if c[2] == "district"]
        units_by_committee: dict[int, list[int]] = {}
        for unit_id, committee_id in Membership.objects.values_list("unit_id", "committee_id"):
            units_by_committee.setdefault(committee_id, []).append(unit_id)
        all_units = [unit for units in units_by_committee.values() for unit in units]
        category = Category.objects.values_list("pk", flat=True).first()

        def moment(start, days_from, days_to):
            value = start + datetime.timedelta(days=rng.uniform(days_from, days_to))
            return value if value < now else None

        resources = []
        for index, resource_id in enumerate(self.reserve(Resource, project_count // 3)):
            home = rng.choice(homes)
            owner = rng.choice(units_by_committee.get(home[0]) or all_units)
            published = year_start + datetime.timedelta(seconds=rng.uniform(0, span))
            resources.append(
                {
                    "id": resource_id,
                    "owner_unit_id": owner,
                    "committee_id": home[0],
                    "category_id": category,
                    "title": f"资源{index}",
                    "quantity": 5,
                    "contact_name": "李四",
                    "contact_phone": "13812345678",
                    "reach": "street",
                    "reach_prefix": home[1][:9],
                    "status": "published",
                    "created_by_id": user.pk,
                    "created_at": published,
                    "updated_at": published,
                    "published_at": published,
                }
            )
        need_count = int(project_count * 1.2)
        needs, proposals, projects, allocations, ratings = [], [], [], [], []
        need_ids, project_ids = self.reserve(Need, need_count), self.reserve(Project, project_count)
        proposal_ids = self.reserve(Proposal, project_count)
        allocation_ids = self.reserve(Allocation, project_count)
        for index, need_id in enumerate(need_ids):
            home = rng.choice(homes)
            owner = rng.choice(units_by_committee.get(home[0]) or [None])
            published = year_start + datetime.timedelta(seconds=rng.uniform(0, span))
            needs.append(
                {
                    "id": need_id,
                    "owner_unit_id": owner,
                    "owner_committee_id": None if owner else home[0],
                    "committee_id": home[0],
                    "category_id": category,
                    "title": f"需求{index}",
                    "quantity": 1,
                    "allocated_quantity": 1 if index < project_count else 0,
                    "contact_name": "张三",
                    "contact_phone": "13812345678",
                    "reach": "street",
                    "reach_prefix": home[1][:9],
                    "status": "fulfilled" if index < project_count else "published",
                    "created_by_id": user.pk,
                    "created_at": published,
                    "updated_at": published,
                    "published_at": published,
                }
            )
            if index >= project_count:
                continue
            provider = rng.choice(all_units)
            proposed = moment(published, 0, 12) or published
            confirmed = moment(proposed, 1, 40) or proposed
            completed = moment(confirmed, 5, 90) if rng.random() < 0.8 else None
            project_id = project_ids[index]
            proposals.append(
                {
                    "id": proposal_ids[index],
                    "need_id": need_id,
                    "resource_id": rng.choice(resources)["id"],
                    "provider_unit_id": provider,
                    "committee_id": home[0],
                    "quantity": 1,
                    "status": "confirmed",
                    "created_at": proposed,
                    "need_side": "accepted",
                    "provider_side": "accepted",
                    "committee_decision": "approved",
                    "project_id": project_id,
                    "score_parts": {},
                    "explanation": {},
                }
            )
            projects.append(
                {
                    "id": project_id,
                    "committee_id": home[0],
                    "title": f"{TITLE}{index}",
                    "lead_unit_id": provider,
                    "starts_on": timezone.localtime(confirmed).date(),
                    "ends_on": timezone.localtime(confirmed).date() + datetime.timedelta(days=90),
                    "status": "completed" if completed else "in_progress",
                    "completed_at": completed,
                    "created_at": confirmed,
                    "updated_at": completed or confirmed,
                }
            )
            allocations.append(
                {
                    "id": allocation_ids[index],
                    "project_id": project_id,
                    "need_id": need_id,
                    "provider_unit_id": provider,
                    "quantity": 1,
                }
            )
            if completed is None:
                continue
            for side, rater, rated, chance in (
                ("need", owner, provider, 0.9),
                ("provider", provider, owner, 0.75),
            ):
                rated_at = moment(completed, 0, 14)
                if rated_at and rng.random() < chance:
                    ratings.append(
                        {
                            "project_id": project_id,
                            "side": side,
                            "rater_unit_id": rater,
                            "rated_unit_id": rated,
                            "score": rng.choice(SCORES),
                            "comment": "",
                            "created_by_id": user.pk,
                            "created_at": rated_at,
                            "revealed_at": rated_at,
                        }
                    )
        meetings = []
        for committee_id, _code, _level in committees:
            for month in (3, 9)[: rng.choice((0, 1, 2, 2, 2))]:
                held = datetime.date(now.year, month, 15)
                if held <= timezone.localdate():
                    meetings.append(
                        {
                            "committee_id": committee_id,
                            "kind": "plenary",
                            "title": f"{TITLE}全体会议",
                            "held_on": held,
                            "is_held": True,
                            "created_at": now,
                        }
                    )
        with transaction.atomic():
            for model, rows in (
                (Need, needs),
                (Resource, resources),
                (Project, projects),
                (Proposal, proposals),
                (Allocation, allocations),
                (Evaluation, ratings),
                (Meeting, meetings),
            ):
                self.copy(model, rows)
        return {
            "needs": len(needs),
            "projects": len(projects),
            "evaluations": len(ratings),
            "resources": len(resources),
            "plenaries": len(meetings),
        }

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
