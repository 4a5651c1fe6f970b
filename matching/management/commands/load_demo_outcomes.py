"""Demo of what follows confirmation, on top of load_demo: a project completed last month and rated by both
sides, a late project that needs completing or carrying over, Beixinqiao's indicator system for the year, this
year's figures, and last month's results published. Runs through the services; running it twice changes
nothing."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from committees import services
from committees.models import Category, Committee, MemberUnit, Need, Project, Reach, Resource, User
from matching import demo_summons, demo_volunteering
from matching.models import (
    Answer,
    Decision,
    Evaluation,
    Indicator,
    IndicatorTree,
    ProjectUpdate,
    Proposal,
    Publication,
)
from matching.outcomes import evaluation, figures, periods, projects, residents_demo, results
from matching.pipeline import collect, confirm, propose

STREET = "110101005"
COMPLETED = ("北新桥养老照料中心", "重阳节老人健康体检", "北京市东城区第一人民医院", "重阳节社区义诊")
LATE = ("北京市东城区府学胡同小学", "校园周边环境整治", "中国石油天然气集团有限公司", "员工志愿者环境整治")
INDICATORS = [
    # name, weight, children: (name, kind, metric, weight)
    (
        "服务成效",
        50,
        [
            ("完成服务项目", "automatic", "projects_completed", 1),
            ("发布共享资源", "automatic", "resources_offered", 1),
        ],
    ),
    (
        "群众评价",
        30,
        [("对方评价（信誉分）", "automatic", "rating", 1), ("满意率", "automatic", "satisfaction", 1)],
    ),
    ("日常工作", 20, [("台账规范", "manual", "", 1), ("答复征集", "automatic", "rounds_answered", 1)]),
]


class Command(BaseCommand):
    help = (
        "Load the demo's projects, evaluations, indicator system, figures and published results (idempotent)."
    )

    def handle(self, *args, **options):
        try:
            street = Committee.objects.get(area_code=STREET)
            secretary = User.objects.get(username="bxq_secretary")
        except (Committee.DoesNotExist, User.DoesNotExist) as error:
            raise CommandError("Run load_demo first.") from error
        today = timezone.localdate()
        last_month = periods.parse(f"{today.replace(day=1) - datetime.timedelta(days=1):%Y-%m}")
        with transaction.atomic():
            completed = self.completed_project(street, secretary, last_month)
            self.late_project(street, secretary)
            self.indicator_system(street, secretary, today.year)
            residents_demo.load(street, secretary, completed)
        demo_summons.load()  # 吹哨报到: summonses of 北新桥街道, before the figures so that departments have some
        self.stdout.write(
            demo_volunteering.load()
        )  # 双报到: members, tasks, hours (matching/demo_volunteering.py)
        figures.compute(periods.year_with_months(today.year, today))
        evaluation.compute_reputations()
        if not Publication.objects.filter(committee=street, period=last_month.key).exists():
            results.publish(committee=street, period=last_month, by=secretary)
        self.stdout.write(
            f"demo outcomes: project “{completed.title}” completed and rated; results of {last_month.key} published"
        )

    def pair(self, street, secretary, need_side, resource_side) -> Project:
        """A need and a resource of two Beixinqiao units, accepted by both and approved: a project."""
        need_unit, need_title, provider_unit, resource_title = need_side + resource_side
        existing = Project.objects.filter(allocations__need__title=need_title, committee=street).first()
        if existing:
            return existing
        records = []
        for model, unit_name, title in (
            (Need, need_unit, need_title),
            (Resource, provider_unit, resource_title),
        ):
            unit = MemberUnit.objects.get(name=unit_name)
            record = services.create_record(
                model,
                by=secretary,
                owner_unit=unit,
                committee=street,
                category=Category.objects.get(
                    code="health" if model is Need and "体检" in title else "other"
                ),
                title=title,
                description=title,
                quantity=1,
                measure="items",
                contact_name=unit.contact_name,
                contact_phone=unit.contact_phone,
                reach=Reach.STREET,
            )
            records.append(services.publish_record(record, by=secretary))
        need, resource = records
        proposal = self.proposed_as_the_matcher_does(street, need, resource)
        proposal.need_side = proposal.provider_side = Answer.ACCEPTED
        proposal.committee_decision = Decision.APPROVED
        proposal.status = Proposal.Status.APPROVED
        proposal.reason = "演示数据"
        proposal.save()
        return confirm.confirm(proposal.pk)

    def proposed_as_the_matcher_does(self, street, need, resource) -> Proposal:
        """The matcher's proposal for this one pair: its score, score parts and explanation (the proposal pages,
        the API and the admin explain a proposal from its parts)."""
        today = timezone.localdate()
        needs, resources = collect.load(
            street.area_code,
            today=today,
            needs=Need.objects.filter(pk=need.pk),
            resources=Resource.objects.filter(pk=resource.pk),
        )
        candidates = collect.candidates(needs, resources, declined_pairs=set())
        scored = propose.score(candidates, today=today)
        proposals = propose.build_proposals(None, candidates, scored, propose.choose(candidates, scored))
        if len(proposals) != 1:
            raise CommandError(f"The matcher does not pair “{need}” with “{resource}”.")
        return proposals[0]

    def completed_project(self, street, secretary, month: periods.Period) -> Project:
        project = self.pair(street, secretary, COMPLETED[:2], COMPLETED[2:])
        if project.status == Project.Status.COMPLETED:
            return project
        hospital = User.objects.get(username="liaison_hospital")
        eldercare = User.objects.get(username="liaison_eldercare")
        projects.post_update(
            project=project, by=hospital, text="已为照料中心42位老人完成血压、血糖和心电图检查。"
        )
        projects.complete_project(project=project, by=hospital)
        evaluation.submit(
            project=project, by=eldercare, side="need", score=5, comment="医生耐心细致，老人很满意。"
        )
        evaluation.submit(
            project=project, by=hospital, side="provider", score=4, comment="中心组织有序，配合积极。"
        )
        # Date it in last month, as if it had happened then (the services record "now").
        published = timezone.make_aware(datetime.datetime.combine(month.start, datetime.time(9)))
        Need.objects.filter(allocations__project=project).update(published_at=published)
        Resource.objects.filter(allocations__project=project).update(published_at=published)
        Proposal.objects.filter(project=project).update(created_at=published + datetime.timedelta(days=2))
        Project.objects.filter(pk=project.pk).update(
            created_at=published + datetime.timedelta(days=5),
            starts_on=month.start + datetime.timedelta(days=5),
            ends_on=month.start + datetime.timedelta(days=20),
            completed_at=published + datetime.timedelta(days=18),
        )
        ProjectUpdate.objects.filter(project=project).update(
            created_at=published + datetime.timedelta(days=17)
        )
        rated = published + datetime.timedelta(days=20)
        Evaluation.objects.filter(project=project).update(created_at=rated, revealed_at=rated)
        return project

    def late_project(self, street, secretary) -> Project:
        project = self.pair(street, secretary, LATE[:2], LATE[2:])
        if project.status == Project.Status.PLANNED:
            petro = User.objects.get(username="liaison_petro")
            projects.add_milestone(
                project=project,
                by=petro,
                title="清理围墙小广告",
                due_on=timezone.localdate() - datetime.timedelta(days=20),
            )
            projects.post_update(project=project, by=petro, text="已清理校门两侧，围墙部分待区城管委审批。")
            ended = timezone.localdate() - datetime.timedelta(days=3)
            Project.objects.filter(pk=project.pk).update(
                starts_on=ended - datetime.timedelta(days=30), ends_on=ended
            )
        return project

    def indicator_system(self, street, secretary, year: int) -> None:
        tree, created = IndicatorTree.objects.get_or_create(
            committee=street, year=year, defaults={"title": f"{year}年度成员单位考核"}
        )
        if not created:
            return
        for position, (name, weight, children) in enumerate(INDICATORS):
            group = Indicator.objects.create(
                tree=tree, name=name, kind="group", weight=weight, position=position
            )
            for child_position, (child, kind, metric, child_weight) in enumerate(children):
                Indicator.objects.create(
                    tree=tree,
                    parent=group,
                    name=child,
                    kind=kind,
                    metric=metric,
                    weight=child_weight,
                    position=child_position,
                )
        ledger = Indicator.objects.get(tree=tree, name="台账规范")
        for unit_name, score, evidence in (
            ("北京市东城区第一人民医院", 95, "资源台账按月更新，项目资料齐全"),
            ("中国石油天然气集团有限公司", 80, "台账齐全，部分项目缺少照片"),
        ):
            results.score_indicator(
                indicator=ledger,
                unit=MemberUnit.objects.get(name=unit_name),
                score=score,
                evidence=evidence,
                by=secretary,
            )
