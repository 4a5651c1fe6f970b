"""A year of plausible activity in 北新桥街道 and its six communities, for the demo (`make demo`).

Called with one line from load_demo_outcomes. Twelve months back from today: a few hundred needs and resources,
quarterly collection rounds, a matching run a month, accepted and declined proposals, plenary and chair meetings,
projects completed, late and carried over, ratings both ways; then this year's and last year's figures. Bulk
inserts (a few seconds), seeded, and idempotent: a second call finds its marker and changes nothing. The rows are
synthetic history: they are written as they would stand today, without history entries.
"""

from __future__ import annotations

import datetime
import random
import time

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from committees import demo_data, notifications
from committees.models import (
    Allocation,
    Category,
    CollectionRequest,
    CollectionRound,
    Committee,
    MemberUnit,
    Need,
    Project,
    Reach,
    Resource,
    User,
)
from committees.models.lists import reach_prefix
from committees.text import tokenize
from matching.models import (
    Answer,
    CarryOver,
    Decision,
    Evaluation,
    MatchingRun,
    Meeting,
    ProjectUpdate,
    Proposal,
)
from matching.outcomes import evaluation, figures, periods

MARKER = "【年度演示】"  # in the description of every record it writes: how a second call knows it ran
SEED = 2026

# category code -> (need titles, resource titles, measure)
TOPICS = {
    "care": (
        ["独居老人助餐", "老人助浴服务", "失能老人上门照护", "托育看护志愿者"],
        ["爱心助餐点", "助浴志愿队", "护理员上门服务"],
        "people",
    ),
    "health": (
        ["老人健康体检", "慢病用药指导", "社区义诊", "心理健康讲座"],
        ["医院志愿者义诊", "家庭医生签约服务", "健康讲座专家"],
        "sessions",
    ),
    "venues": (
        ["党员活动室借用", "居民议事会场地", "青少年活动场地"],
        ["会议室开放共享", "多功能厅借用", "文化站场地"],
        "hours",
    ),
    "volunteers": (
        ["垃圾分类督导志愿者", "文明引导志愿者", "老旧小区入户宣传"],
        ["青年志愿服务队", "党员先锋队", "大学生志愿者"],
        "people",
    ),
    "education": (
        ["暑期托管课程", "老年人智能手机课堂", "青少年科普活动"],
        ["科普讲师团", "智能手机教学志愿者", "四点半课堂老师"],
        "sessions",
    ),
    "environment": (
        ["楼道堆物清理", "胡同绿化美化", "校园周边环境整治"],
        ["环境整治志愿队", "绿化养护服务", "清运车辆支持"],
        "items",
    ),
    "legal": (["物业纠纷法律咨询", "老年人防诈骗讲座"], ["律师事务所公益咨询", "普法宣讲团"], "sessions"),
    "culture": (
        ["重阳节文艺演出", "社区读书会", "非遗手工体验"],
        ["艺术团慰问演出", "图书捐赠", "非遗传承人授课"],
        "sessions",
    ),
    "safety": (["消防安全演练", "电动自行车充电隐患排查"], ["消防站安全培训", "应急救护培训"], "sessions"),
    "employment": (["困难家庭就业帮扶"], ["企业招聘岗位"], "people"),
}
NEEDS_A_MONTH = (18, 28)
RESOURCES_A_MONTH = (14, 22)
DECLINE_REASONS = ["时间安排冲突，本月无法承接", "服务范围不符", "已由其他单位解决"]
COMMENTS = {
    5: "非常满意，服务专业",
    4: "整体满意，配合顺畅",
    3: "基本满意，沟通可再加强",
    2: "效果一般，时间有拖延",
}


def build(stdout=None) -> dict:
    """Write the demo year unless it is there already; returns the figures it reached (see figures_of)."""
    street = Committee.objects.get(area_code=demo_data.BEIXINQIAO)
    if Need.objects.filter(
        committee__area_code__startswith=street.area_code, description__contains=MARKER
    ).exists():
        return figures_of(street)
    started = time.perf_counter()
    with transaction.atomic():
        _Year(street).write()
    today = timezone.localdate()
    years = {today.year, (today - datetime.timedelta(days=365)).year}
    figures.compute(
        [p for year in sorted(years) for p in periods.year_with_months(year, today)], street.area_code
    )
    evaluation.compute_reputations()
    reached = figures_of(street)
    if stdout is not None:
        stdout.write(
            "demo year: {needs} needs over {months} months, {units_completed} units with completed projects, "
            "response {response}%, resolution {resolution}%, satisfaction {satisfaction}% "
            "({seconds:.1f} s)".format(seconds=time.perf_counter() - started, **reached)
        )
    return reached


def figures_of(street: Committee) -> dict:
    """The acceptance figures of the demo year, read back from the database."""
    since = timezone.now() - datetime.timedelta(days=366)
    needs = Need.objects.filter(committee__area_code__startswith=street.area_code, published_at__gte=since)
    months = {f"{moment:%Y-%m}" for moment in needs.values_list("published_at", flat=True)}
    completed = Allocation.objects.filter(
        project__committee__area_code__startswith=street.area_code, project__status=Project.Status.COMPLETED
    )
    units = set(completed.values_list("need__owner_unit_id", flat=True)) | set(
        completed.values_list("provider_unit_id", flat=True)
    )
    total = needs.count()
    responded = needs.filter(proposals__isnull=False).distinct().count()
    resolved = needs.filter(allocations__project__status=Project.Status.COMPLETED).distinct().count()
    ratings = Evaluation.objects.filter(
        project__committee__area_code__startswith=street.area_code, side=Evaluation.Side.NEED
    )
    satisfied = ratings.filter(score__gte=4).count()

    def rate(part: int, whole: int) -> float:
        return round(100 * part / whole, 1) if whole else 0.0

    return {
        "needs": total,
        "months": len(months),
        "units_completed": len(units - {None}),
        "response": rate(responded, total),
        "resolution": rate(resolved, total),
        "satisfaction": rate(satisfied, ratings.count()),
    }


class _Year:
    def __init__(self, street: Committee):
        self.street = street
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.secretary = User.objects.get(username="bxq_secretary")
        self.communities = list(Committee.objects.filter(parent=street).order_by("area_code"))
        self.units = list(
            MemberUnit.objects.filter(memberships__committee=street, memberships__until__isnull=True)
            .distinct()
            .order_by("pk")
        )
        self.categories = dict(Category.objects.values_list("code", "pk"))
        self.by_name = {unit.name: unit for unit in self.units}

    # --- helpers ------------------------------------------------------------------------------------------------

    def moment(self, day: datetime.date, hour: int | None = None) -> datetime.datetime:
        at = datetime.time(hour if hour is not None else self.rng.randint(8, 18), self.rng.randint(0, 59))
        moment = timezone.make_aware(datetime.datetime.combine(day, at))
        return min(moment, self.now - datetime.timedelta(minutes=5))

    def month_starts(self) -> list[datetime.date]:
        first = self.today.replace(day=1)
        starts = []
        for back in range(12, -1, -1):
            year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
            starts.append(datetime.date(year, month + 1, 1))
        return starts

    def record(
        self, model, unit: MemberUnit, day: datetime.date, code: str, title: str, measure: str, quantity
    ):
        committee = self.street
        text = f"{title}（{unit.name}）{MARKER}"
        return model(
            owner_unit=unit,
            committee=committee,
            category_id=self.categories[code],
            title=title,
            description=text,
            quantity=quantity,
            measure=measure,
            contact_name=unit.contact_name,
            contact_phone=unit.contact_phone,
            reach=Reach.STREET,
            reach_prefix=reach_prefix(committee.area_code, Reach.STREET),
            tokens=" ".join(tokenize(f"{title} {text}")),
            status=Need.Status.PUBLISHED,
            created_by=self.secretary,
            published_at=self.moment(day),
        )

    # --- the year -------------------------------------------------------------------------------------------------

    def write(self) -> None:
        months = self.month_starts()
        needs, resources = [], []
        for start in months:
            last_day = min(_month_end(start), self.today)
            span = (last_day - start).days
            current = start.year == self.today.year and start.month == self.today.month
            scale = max(span, 1) / 30 if current else 1
            for model, (low, high), bag in (
                (Need, NEEDS_A_MONTH, needs),
                (Resource, RESOURCES_A_MONTH, resources),
            ):
                for _ in range(max(2, int(self.rng.randint(low, high) * scale))):
                    code = self.rng.choice(list(TOPICS))
                    titles = TOPICS[code][0 if model is Need else 1]
                    quantity = self.rng.randint(1, 4) if model is Need else self.rng.randint(6, 30)
                    day = start + datetime.timedelta(days=self.rng.randint(0, max(span, 0)))
                    unit = self.rng.choice(self.units)
                    bag.append(
                        self.record(
                            model, unit, day, code, self.rng.choice(titles), TOPICS[code][2], quantity
                        )
                    )
        Need.objects.bulk_create(needs)
        Resource.objects.bulk_create(resources)
        runs = self.runs(months)
        self.deliberate(needs, resources, runs)
        self.rounds(months)
        self.meetings(months)
        self.demo_logins_have_work(runs[-1])
        # Records auto-stamp created_at on insert: date them as published.
        for model, rows in ((Need, needs), (Resource, resources)):
            for row in rows:
                row.created_at = row.published_at
            model.objects.bulk_update(rows, ["created_at", "status", "allocated_quantity"], batch_size=500)

    def runs(self, months) -> list[MatchingRun]:
        rows = []
        for start in months:
            day = min(start + datetime.timedelta(days=14), self.today)
            at = self.moment(day, 2)
            rows.append(
                MatchingRun(
                    committee=self.street,
                    scope_code=self.street.area_code,
                    trigger=MatchingRun.Trigger.SCHEDULE,
                    status=MatchingRun.Status.DONE,
                    started_at=at,
                    finished_at=at + datetime.timedelta(seconds=self.rng.uniform(1.5, 4)),
                    attempts=1,
                    timings={
                        "collect": round(self.rng.uniform(0.2, 0.6), 3),
                        "propose": round(self.rng.uniform(0.3, 1.2), 3),
                        "write": round(self.rng.uniform(0.05, 0.2), 3),
                    },
                    counts={},
                )
            )
        MatchingRun.objects.bulk_create(rows)
        for run in rows:
            run.created_at = run.started_at
        MatchingRun.objects.bulk_update(rows, ["created_at"])
        return rows

    def deliberate(self, needs, resources, runs) -> None:
        """Pair needs with resources of other units; answers, decisions and projects follow, dated in sequence."""
        by_category: dict[int, list[Resource]] = {}
        for resource in resources:
            by_category.setdefault(resource.category_id, []).append(resource)
        run_of_month = {f"{run.started_at:%Y-%m}": run for run in runs}
        proposals, plans = [], []
        for need in needs:
            age = (self.now - need.published_at).days
            options = [
                r
                for r in by_category.get(need.category_id, [])
                if r.owner_unit_id != need.owner_unit_id
                and r.published_at <= need.published_at + datetime.timedelta(days=20)
                and r.quantity - r.allocated_quantity >= need.quantity
            ]
            if not options or self.rng.random() > 0.8 or age < 2:
                if age > 60:
                    need.status = Need.Status.EXPIRED
                continue
            resource = self.rng.choice(options)
            proposed_at = need.published_at + datetime.timedelta(days=self.rng.randint(1, 4), hours=2)
            proposed_at = min(proposed_at, self.now - datetime.timedelta(hours=1))
            run = run_of_month.get(f"{proposed_at:%Y-%m}") or runs[-1]
            roll = self.rng.random()
            proposal = Proposal(
                run=run,
                need=need,
                resource=resource,
                provider_unit_id=resource.owner_unit_id,
                committee=self.street,
                quantity=need.quantity,
                score=round(self.rng.uniform(0.55, 0.95), 3),
                expires_at=proposed_at + datetime.timedelta(days=14),
            )
            proposal.proposed_at = proposed_at
            if age < 10 and roll < 0.35:
                pass  # still waiting for the sides' answers
            elif age < 10 and roll < 0.6:
                # both sides accepted: the secretary's to-do list asks for the committee's decision
                proposal.status = Proposal.Status.ACCEPTED
                proposal.need_side = proposal.provider_side = Answer.ACCEPTED
            elif roll < 0.15:
                proposal.status = Proposal.Status.DECLINED
                proposal.need_side = Answer.ACCEPTED
                proposal.provider_side = Answer.DECLINED
                proposal.reason = self.rng.choice(DECLINE_REASONS)
                proposal.decided_at = proposed_at + datetime.timedelta(days=2)
                need.status = Need.Status.EXPIRED if age > 60 else Need.Status.PUBLISHED
            else:
                proposal.status = Proposal.Status.CONFIRMED
                proposal.need_side = proposal.provider_side = Answer.ACCEPTED
                proposal.committee_decision = Decision.APPROVED
                proposal.decided_at = proposed_at + datetime.timedelta(days=self.rng.randint(2, 6))
                need.allocated_quantity = need.quantity
                need.status = Need.Status.FULFILLED
                resource.allocated_quantity += need.quantity
                resource.status = (
                    Resource.Status.EXHAUSTED
                    if resource.allocated_quantity >= resource.quantity
                    else Resource.Status.PARTLY_ALLOCATED
                )
                plans.append(proposal)
            proposals.append(proposal)
        Proposal.objects.bulk_create(proposals)
        for proposal in proposals:
            proposal.created_at = proposal.proposed_at
        Proposal.objects.bulk_update(proposals, ["created_at"], batch_size=500)
        for run in runs:
            made = [p for p in proposals if p.run_id == run.pk]
            run.counts = {
                "needs": len(made) + self.rng.randint(3, 12),
                "resources": self.rng.randint(20, 60),
                "candidates": len(made) * self.rng.randint(3, 8),
                "proposals": len(made),
            }
        MatchingRun.objects.bulk_update(runs, ["counts"])
        self.projects(plans)

    def projects(self, confirmed: list[Proposal]) -> None:
        projects, allocations = [], []
        for proposal in confirmed:
            need = proposal.need
            starts = (proposal.decided_at + datetime.timedelta(days=1)).date()
            ends = starts + datetime.timedelta(days=self.rng.randint(14, 45))
            project = Project(
                committee=self.street,
                title=f"{need.title} · {proposal.resource.title}",
                lead_unit_id=proposal.provider_unit_id,
                starts_on=starts,
                ends_on=ends,
                status=Project.Status.IN_PROGRESS,
            )
            project.confirmed_at = proposal.decided_at
            if ends < self.today - datetime.timedelta(days=3):
                roll = self.rng.random()
                if roll < 0.86:
                    project.status = Project.Status.COMPLETED
                    project.completed_at = min(
                        self.moment(ends - datetime.timedelta(days=self.rng.randint(0, 5))), self.now
                    )
                elif roll < 0.96:
                    project.status = Project.Status.CARRIED_OVER
                    project.previous_end = ends
                    project.ends_on = max(
                        ends + datetime.timedelta(days=30), self.today + datetime.timedelta(days=10)
                    )
                # else: left late (in progress past its planned end)
            elif starts > self.today:
                project.status = Project.Status.PLANNED
            projects.append(project)
        Project.objects.bulk_create(projects)
        for proposal, project in zip(confirmed, projects, strict=True):
            proposal.project = project
            project.created_at = project.confirmed_at
            allocations.append(
                Allocation(
                    project=project,
                    need=proposal.need,
                    resource=proposal.resource,
                    provider_unit_id=proposal.provider_unit_id,
                    quantity=proposal.quantity,
                )
            )
        Project.objects.bulk_update(projects, ["created_at"], batch_size=500)
        Proposal.objects.bulk_update(confirmed, ["project"], batch_size=500)
        Allocation.objects.bulk_create(allocations)
        self.after_confirmation(confirmed, projects)

    def after_confirmation(self, confirmed, projects) -> None:
        updates, evaluations, carry_overs = [], [], []
        window = datetime.timedelta(days=evaluation.window_days())
        for proposal, project in zip(confirmed, projects, strict=True):
            if project.status != Project.Status.PLANNED:
                updates.append(
                    ProjectUpdate(
                        project=project,
                        unit_id=project.lead_unit_id,
                        text="已按计划开展服务，双方对接顺畅。",
                        created_by=self.secretary,
                    )
                )
            if project.status == Project.Status.CARRIED_OVER:
                carry_overs.append(
                    CarryOver(
                        project=project,
                        previous_end=project.previous_end,
                        new_end=project.ends_on,
                        reason="受天气和场地影响，部分服务顺延",
                        created_by=self.secretary,
                    )
                )
            if project.status != Project.Status.COMPLETED:
                continue
            need_unit, provider_unit = proposal.need.owner_unit_id, proposal.provider_unit_id
            closes = project.completed_at + window
            both = closes < self.now or self.rng.random() < 0.5
            for side, rater, rated in (
                (Evaluation.Side.NEED, need_unit, provider_unit),
                (Evaluation.Side.PROVIDER, provider_unit, need_unit),
            ):
                if side == Evaluation.Side.PROVIDER and not both:
                    continue  # the provider has not rated yet: its to-do list asks for it
                score = self.rng.choices([5, 4, 3, 2], weights=[50, 32, 12, 6])[0]
                rated_at = min(
                    project.completed_at + datetime.timedelta(days=self.rng.randint(1, 10)), self.now
                )
                row = Evaluation(
                    project=project,
                    side=side,
                    rater_unit_id=rater,
                    rated_unit_id=rated,
                    score=score,
                    comment=COMMENTS[score],
                    created_by=self.secretary,
                    revealed_at=max(rated_at, closes) if not both else rated_at,
                )
                row.rated_at = rated_at
                evaluations.append(row)
        ProjectUpdate.objects.bulk_create(updates)
        CarryOver.objects.bulk_create(carry_overs)
        Evaluation.objects.bulk_create(evaluations)
        for row in evaluations:
            row.created_at = row.rated_at
            if row.revealed_at and row.revealed_at > self.now:
                row.revealed_at = None  # the window is still open and the other side has not rated
        Evaluation.objects.bulk_update(evaluations, ["created_at", "revealed_at"], batch_size=500)

    def rounds(self, months) -> None:
        """A collection round a quarter; most units answer, a few never do."""
        for start in months[::3]:
            opens = start + datetime.timedelta(days=2)
            if opens > self.today:
                continue
            title = f"{opens:%Y年%m月}资源需求征集"
            round_ = CollectionRound.objects.create(
                committee=self.street,
                title=title,
                description=f"请各成员单位登记本季度的资源和需求。{MARKER}",
                opens_on=opens,
                closes_on=opens + datetime.timedelta(days=14),
                created_by=self.secretary,
            )
            answered_by_close = opens + datetime.timedelta(days=self.rng.randint(3, 12))
            requests = []
            for unit in self.units:
                answered = self.rng.random() < 0.78 and answered_by_close <= self.today
                requests.append(
                    CollectionRequest(
                        round=round_,
                        unit=unit,
                        answered_at=self.moment(answered_by_close) if answered else None,
                        answered_by=self.secretary if answered else None,
                        nothing_this_time=answered and self.rng.random() < 0.3,
                    )
                )
            CollectionRequest.objects.bulk_create(requests)

    def meetings(self, months) -> None:
        rows = []
        for index, start in enumerate(months):
            day = start + datetime.timedelta(days=20)
            if index % 6 == 3:
                rows.append(("全体会议", Meeting.Kind.PLENARY, day))
            elif index % 3 == 1:
                rows.append(("主任碰头会", Meeting.Kind.CHAIR, day))
        for title, kind, day in rows:
            Meeting.objects.create(
                committee=self.street,
                kind=kind,
                title=f"{day:%Y年%m月}{title}",
                held_on=day,
                place="北新桥街道党群服务中心",
                minutes="通报上月对接情况，审议待决议题。" if day <= self.today else "",
                is_held=day <= self.today,
            )

    def demo_logins_have_work(self, run: MatchingRun) -> None:
        """The demo liaisons open their phones to something to do: the care centre and the hospital each have a
        proposal to answer from this month's run, and are told so."""
        eldercare = self.by_name.get("北新桥养老照料中心")
        hospital = self.by_name.get("北京市东城区第一人民医院")
        if not (eldercare and hospital):
            return
        day = self.today - datetime.timedelta(days=1)
        pairs = [
            (eldercare, hospital, "care", "失能老人康复指导", "康复科医生上门指导"),
            (hospital, eldercare, "volunteers", "门诊导诊志愿者", "照料中心志愿者队伍"),
        ]
        for need_unit, provider, code, need_title, resource_title in pairs:
            need = self.record(Need, need_unit, day, code, need_title, "sessions", 2)
            resource = self.record(Resource, provider, day, code, resource_title, "sessions", 10)
            need.save()
            resource.save()
            proposal = Proposal.objects.create(
                run=run,
                need=need,
                resource=resource,
                provider_unit=provider,
                committee=self.street,
                quantity=2,
                score=0.88,
                expires_at=self.now + datetime.timedelta(days=10),
            )
            for unit in (need_unit, provider):
                notifications.notify(
                    notifications.liaisons_of([unit.pk]),
                    f"有 1 条新的对接建议等待贵单位答复：{need_title}",
                    reverse("proposal_answer", args=[proposal.pk]),
                    about=proposal,
                )


def _month_end(start: datetime.date) -> datetime.date:
    following = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)
