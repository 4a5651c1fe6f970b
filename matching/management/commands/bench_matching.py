"""Benchmark the matcher on a Beijing-shaped data set, against the configured database.

    manage.py bench_matching --needs 100000 --resources 100000

Builds the registry with `generate` when it is missing, replaces the previous benchmark's needs and resources,
then times collect and propose (with writing the proposals) for a city-wide run in this process, and compares
the optimal assignment's total score with a greedy one on the same candidates. The last line is for machines:

    bench_matching needs=N resources=N candidates=C seconds=S peak_mb=M score=X greedy_score=G floor_seconds=F
    solve_seconds=V gap=G

gap is the relative gap to the optimum over every feasible pair (not only the capped candidates) that the run
proves by LP duality (matching/pipeline/optimum.py): 0 means the assignment is that optimum.

floor_seconds is the same run's floor for the same work: reading the run's input SQL with COPY … TO STDOUT and
writing as many proposal rows as the run wrote by COPY into an unlogged scratch copy of the proposals table.
"""

import random
import resource as rusage
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from committees.models import Category, Committee, Membership, Need, Resource, User
from committees.models.lists import REACH_CODE_LENGTH, reach_prefix
from committees.text import tokenize
from matching.management import bench
from matching.models import MatchingRun, Proposal
from matching.pipeline import collect, propose, runs

BENCH_USER = "bench_matching"
BATCH = 5000

PHRASES = {
    "venues": ["活动室", "会议室", "操场", "党群服务中心", "多功能厅"],
    "volunteers": ["志愿者", "专业技术人才", "党员突击队", "青年志愿服务队", "退休教师"],
    "funds": ["慰问金", "防疫物资", "米面粮油", "冬衣棉被", "办公设备"],
    "culture": ["文艺演出", "书法培训", "广场舞", "读书会", "乒乓球比赛"],
    "education": ["课后托管", "家长课堂", "科普讲座", "电脑培训", "法治课"],
    "health": ["健康义诊", "心理咨询", "核酸检测", "慢病管理", "中医理疗"],
    "care": ["老年助餐", "居家养老", "托育服务", "助浴服务", "陪诊服务"],
    "employment": ["招聘会", "创业指导", "技能培训", "就业岗位", "直播带货"],
    "legal": ["法律咨询", "调解服务", "普法宣传", "合同审查", "维权援助"],
    "environment": ["垃圾分类", "楼道清理", "绿化美化", "胡同厕所修缮", "停车管理"],
    "safety": ["消防演练", "安全巡查", "应急物资", "防汛值守", "治安巡逻"],
    "other": ["综合服务", "便民服务", "共建活动", "结对帮扶", "主题党日"],
}
MODIFIERS = ["社区", "老年人", "儿童", "残疾人", "困难家庭", "退役军人", "居民", "楼门", "周末", "夜间"]
NEED_REACH = (["community"] * 30) + (["street"] * 45) + (["district"] * 20) + (["city"] * 5)
RESOURCE_REACH = (["community"] * 20) + (["street"] * 40) + (["district"] * 30) + (["city"] * 10)


class Command(BaseCommand):
    help = "Benchmark collect and propose on a Beijing-shaped data set; the last line is machine-readable."

    def add_arguments(self, parser):
        parser.add_argument("--needs", type=int, default=100_000)
        parser.add_argument("--resources", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--keep", action="store_true", help="keep the proposals (default: remove them)")

    def handle(self, *args, needs, resources, seed, keep, **options):
        rng = random.Random(seed)
        started = time.perf_counter()
        if Committee.objects.filter(level="community").count() < 100:
            call_command("generate", "--units", "20000", "--no-secretaries", stdout=self.stdout)
        self.clear()
        self.make_records(Need, needs, rng)
        self.make_records(Resource, resources, rng)
        generated = time.perf_counter() - started
        self.stdout.write(f"data: {needs} needs and {resources} resources generated in {generated:.1f} s")
        bench.analyze()

        run = MatchingRun.objects.create(
            scope_code="", trigger=MatchingRun.Trigger.API, status="running", started_at=timezone.now()
        )
        with transaction.atomic():
            began = time.perf_counter()
            figures = runs.perform(run)
            seconds = time.perf_counter() - began
            runs._finish(run)
        greedy_began = time.perf_counter()
        greedy = propose.choose(figures["candidates"], figures["scored"], greedy=True)
        greedy_seconds = time.perf_counter() - greedy_began
        peak_mb = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss / 1024
        score, greedy_score = figures["choice"].objective, greedy.objective
        candidates = figures["candidates"].stats["candidates"]

        rows = [
            ("collect (read, reach, windows, candidates)", run.timings["collect"]),
            ("propose (text, score, optimal assignment)", run.timings["propose"]),
            ("write proposals", run.timings["write"]),
            ("total collect + propose", seconds),
            ("greedy baseline (same candidates)", greedy_seconds),
        ]
        self.stdout.write(f"\n{'stage':<45}{'seconds':>10}")
        for name, value in rows:
            self.stdout.write(f"{name:<45}{value:>10.2f}")
        self.stdout.write(
            f"\ncandidates {candidates}, proposals {run.counts['proposals']}, peak RSS {peak_mb:.0f} MB\n"
            f"score (sum of score × share of need served): optimal {score:.2f}, greedy {greedy_score:.2f} "
            f"(+{(score / greedy_score - 1) * 100 if greedy_score else 0:.2f} %)\n"
        )
        floor_seconds = self.floor_seconds(run) if connection.vendor == "postgresql" else float("nan")
        solve_seconds = run.timings.get("solve", 0.0)
        self.stdout.write(
            f"floor (COPY the inputs out, COPY the proposals into a scratch table) {floor_seconds:.2f} s, "
            f"solver {solve_seconds:.2f} s: (seconds - solve) / floor = "
            f"{(seconds - solve_seconds) / floor_seconds:.1f}\n"
        )
        gap = run.counts["gap"]
        self.stdout.write(
            f"optimum over every feasible pair: {run.counts['pricing_rounds']} pricing rounds added "
            f"{run.counts['added_by_pricing']} pairs to the capped candidates; proven gap {gap:.6f}\n"
        )
        if not keep:
            Proposal.objects.filter(run=run).delete()
            run.delete()
        self.stdout.write(
            f"bench_matching needs={needs} resources={resources} candidates={candidates} seconds={seconds:.2f} "
            f"peak_mb={peak_mb:.0f} score={score:.2f} greedy_score={greedy_score:.2f} "
            f"floor_seconds={floor_seconds:.2f} solve_seconds={solve_seconds:.2f} gap={gap:.6f}"
        )

    def floor_seconds(self, run: MatchingRun) -> float:
        """Seconds to read the run's inputs (the same SQL) by COPY TO STDOUT and to COPY the run's proposal rows
        into an unlogged scratch table: what moving the data in and out costs, with no matching at all."""
        table = Proposal._meta.db_table
        scratch = "bench_matching_floor"
        with connection.cursor() as cursor:
            raw = cursor.cursor
            out = bytearray()  # the run's rows as COPY text, fetched before the clock starts
            with raw.copy(f"COPY (SELECT * FROM {table} WHERE run_id = %s) TO STDOUT", (run.pk,)) as stream:
                for chunk in stream:
                    out += chunk
            cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
            cursor.execute(f"CREATE UNLOGGED TABLE {scratch} (LIKE {table} INCLUDING ALL)")
            began = time.perf_counter()
            for query in collect.input_rows(collect.needs_in_scope(""), collect.resources_for_scope("")):
                sql, params = query.query.sql_with_params()
                with raw.copy(f"COPY ({sql}) TO STDOUT", params) as stream:
                    for _chunk in stream:
                        pass
            with raw.copy(f"COPY {scratch} FROM STDIN") as stream:
                for start in range(0, len(out), 1 << 20):
                    stream.write(out[start : start + (1 << 20)])
            seconds = time.perf_counter() - began
            cursor.execute(f"DROP TABLE {scratch}")
        return seconds

    def bench_user(self) -> User:
        return bench.bench_user(BENCH_USER)

    def clear(self) -> None:
        """Remove the previous benchmark's records. A raw delete: the ORM's would load every row and write a
        history row for each (minutes for 200,000 records); these rows are synthetic and never had history."""
        user = self.bench_user()
        for model in (Need, Resource):
            mine = model.objects.filter(created_by=user)
            field = "need" if model is Need else "resource"
            Proposal.objects.filter(**{f"{field}__in": mine}).delete()
            mine._raw_delete(mine.db)

    def make_records(self, model, count: int, rng: random.Random) -> None:
        user = self.bench_user()
        today = timezone.localdate()
        now = timezone.now()
        committees = list(Committee.objects.values_list("pk", "area_code", "level"))
        communities = [c for c in committees if c[2] == "community"]
        streets = [c for c in committees if c[2] == "street"]
        districts = [c for c in committees if c[2] == "district"]
        units_by_committee: dict[int, list[int]] = {}
        for unit_id, committee_id in Membership.objects.values_list("unit_id", "committee_id"):
            units_by_committee.setdefault(committee_id, []).append(unit_id)
        categories = dict(Category.objects.values_list("code", "pk"))
        tokens_cache: dict[str, str] = {}
        reaches = NEED_REACH if model is Need else RESOURCE_REACH
        batch = []
        for _ in range(count):
            roll = rng.random()
            home = rng.choice(communities if roll < 0.7 else streets if roll < 0.9 else districts)
            units = units_by_committee.get(home[0])
            owner_unit = rng.choice(units) if units and rng.random() < 0.8 else None
            code = rng.choice(list(PHRASES))
            title = f"{rng.choice(MODIFIERS)}{rng.choice(PHRASES[code])}"
            description = f"{rng.choice(MODIFIERS)}{rng.choice(PHRASES[code])}{rng.choice(MODIFIERS)}"
            text = f"{title} {description}"
            if text not in tokens_cache:
                tokens_cache[text] = " ".join(tokenize(text))
            reach = rng.choice(reaches)
            fields = dict(
                owner_unit_id=owner_unit,
                owner_committee_id=None if owner_unit else home[0],
                committee_id=home[0],
                category_id=categories[code],
                title=title,
                description=description,
                quantity=rng.randint(1, 20),
                measure="people",
                contact_name="张三",
                contact_phone="13812345678",
                reach=reach,
                reach_prefix=reach_prefix(home[1], reach) if REACH_CODE_LENGTH[reach] else "",
                status="published",
                tokens=tokens_cache[text],
                created_by=user,
                published_at=now,
            )
            if model is Need and rng.random() < 0.5:
                fields["deadline"] = today + timezone.timedelta(days=rng.randint(1, 90))
            batch.append(model(**fields))
            if len(batch) == BATCH:
                model.objects.bulk_create(batch)
                batch = []
        if batch:
            model.objects.bulk_create(batch)
