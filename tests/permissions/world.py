"""The permission matrix's world: the demo (the README's logins in their real seats), extended with what the
matrix needs and the demo lacks — the same kinds of objects in 天桥街道 (西城区), outside every Beixinqiao and
Dongcheng role's scope, and in Beixinqiao a draft, a matching run with open proposals, a meeting and its
agenda, a claim and people with phone numbers. Built through the services, as the product builds them."""

import datetime

from django.db.models import Q
from django.utils import timezone

from committees import services
from committees.models import (
    Category,
    CollectionRequest,
    Committee,
    Department,
    Membership,
    MemberUnit,
    Need,
    Project,
    Reach,
    Resource,
    User,
)
from committees.services import intake
from matching.models import AgendaItem, Answer, Decision, MatchingRun, Meeting, Proposal, RulesOfProcedure
from matching.outcomes import projects, residents
from matching.pipeline import confirm, runs

BEIXINQIAO, TIANQIAO = "110101005", "110102014"
# Where each role of tests/permissions/roles.py sits: its committee's division code, and its unit's name.
HOME = {"dongcheng": "110101", "beixinqiao": BEIXINQIAO, "tianqiao": TIANQIAO, "minan": "110101005001"}
UNITS = {
    "petro": "中国石油天然气集团有限公司",
    "hospital": "北京市东城区第一人民医院",
    "eldercare": "北新桥养老照料中心",
    "theatre": "北京天桥艺术中心",
    "friendship": "北京友谊医院",
}


def _record(model, unit, committee, title, phone, *, publish=True, category="health"):
    admin = User.objects.get(username="admin")
    record = services.create_record(
        model,
        by=admin,
        owner_unit=unit,
        committee=committee,
        category=Category.objects.get(code=category),
        title=title,
        description=f"{title}，每月一次",
        quantity=2,
        measure="sessions",
        contact_name=f"{title[:1]}联系人",
        contact_phone=phone,
        reach=Reach.STREET,
    )
    return services.publish_record(record, by=admin) if publish else record


def _project(street, need, resource) -> Project:
    """Both sides accepted and the committee approved: the confirm stage makes the project."""
    proposal = Proposal.objects.create(
        need=need,
        resource=resource,
        provider_unit=resource.owner_unit,
        committee=street,
        quantity=1,
        need_side=Answer.ACCEPTED,
        provider_side=Answer.ACCEPTED,
        committee_decision=Decision.APPROVED,
        status=Proposal.Status.APPROVED,
        reason="权限测试",
    )
    return confirm.confirm(proposal.pk)


def _run(street) -> MatchingRun:
    run = MatchingRun.objects.create(committee=street, scope_code=street.area_code)
    runs.execute(run.pk)
    return run


def _meeting(street, proposal) -> Meeting:
    meeting = Meeting.objects.create(
        committee=street, title=f"{street.name}季度全体会议", held_on=timezone.localdate(), place="会议室"
    )
    AgendaItem.objects.create(meeting=meeting, proposal=proposal)
    return meeting


def extend_demo() -> dict:
    today = timezone.localdate()
    admin = User.objects.get(username="admin")
    units = {key: MemberUnit.objects.get(name=name) for key, name in UNITS.items()}
    beixinqiao = Committee.objects.get(area_code=BEIXINQIAO)
    tianqiao = Committee.objects.get(area_code=TIANQIAO)
    for key in ("theatre", "friendship"):
        Membership.objects.get_or_create(unit=units[key], committee=tianqiao, until=None)
    RulesOfProcedure.objects.create(committee=beixinqiao, approval=RulesOfProcedure.Approval.VOTE)
    RulesOfProcedure.objects.create(committee=tianqiao)

    # 天桥街道: published records of two units, a project between them with a milestone and a report, a second
    # pair matched by a run into an open proposal on a meeting's agenda, a draft, a collection round.
    theatre_need = _record(Need, units["theatre"], tianqiao, "演职人员健康体检", "13911110001")
    friendship_resource = _record(Resource, units["friendship"], tianqiao, "医生健康体检义诊", "13911110002")
    tianqiao_project = _project(tianqiao, theatre_need, friendship_resource)
    projects.add_milestone(
        project=tianqiao_project, by=admin, title="完成体检", due_on=today + datetime.timedelta(30)
    )
    projects.post_update(project=tianqiao_project, by=admin, text="已预约体检时间。")
    _record(Need, units["theatre"], tianqiao, "老年观众健康义诊", "13911110003")
    _record(Resource, units["friendship"], tianqiao, "老年人健康义诊服务", "13911110004")
    tianqiao_draft = _record(Need, units["theatre"], tianqiao, "剧场消防演练", "13911110005", publish=False)
    services.open_collection_round(
        committee=tianqiao,
        by=admin,
        title="天桥街道2026年需求征集",
        opens_on=today,
        closes_on=today + datetime.timedelta(14),
    )
    _run(tianqiao)
    tianqiao_proposal = Proposal.objects.filter(committee=tianqiao, status__in=Proposal.OPEN_STATUSES).first()
    assert tianqiao_proposal is not None, "the run over 天桥街道 proposed nothing"
    _meeting(tianqiao, tianqiao_proposal)

    # 北新桥街道: a draft of 中国石油, a run over the demo's published records (open proposals, as in the README's
    # tour), a meeting with one of them on its agenda, a claim by 中国石油.
    petro_draft = _record(Need, units["petro"], beixinqiao, "职工子女暑期托管", "13922220001", publish=False)
    _run(beixinqiao)
    beixinqiao_proposal = Proposal.objects.filter(
        committee=beixinqiao, status__in=Proposal.OPEN_STATUSES
    ).first()
    assert beixinqiao_proposal is not None, "the run over 北新桥街道 proposed nothing"
    _meeting(beixinqiao, beixinqiao_proposal)
    claimed = Need.objects.filter(committee=beixinqiao, status=Need.Status.PUBLISHED).exclude(
        owner_unit=units["petro"]
    )
    petro_claim = services.claim_need(
        claimed.first(), unit=units["petro"], by=User.objects.get(username="liaison_petro"), note="可以承接"
    )

    # 吹哨报到: a summons of 天桥街道 to its police station, outside every Beixinqiao and Dongcheng role's scope.
    from matching import summons

    for street in (beixinqiao, tianqiao):
        summons.save_rules(by=admin, committee=street, urgent_report_hours=1)
    summons.raise_summons(
        by=User.objects.get(username="tq_secretary"),
        committee=tianqiao,
        departments=Department.objects.filter(name__in=["天桥派出所", "西城区交通委员会"]),
        title="天桥演艺区散场交通拥堵",
        place="天桥艺术中心北门",
        category="traffic",
        urgency="urgent",
    )
    _residents(tianqiao, admin, today)

    # People's phone numbers: a chair, a liaison and a secretary of another street.
    for username, phone in (
        ("bxq_chair", "13733330001"),
        ("liaison_petro", "13733330002"),
        ("tq_secretary", "13733330003"),
    ):
        User.objects.filter(username=username).update(phone=phone)

    return {
        "units": units,
        "beixinqiao": beixinqiao,
        "tianqiao": tianqiao,
        "tianqiao_project": tianqiao_project,
        "tianqiao_proposal": tianqiao_proposal,
        "tianqiao_draft": tianqiao_draft,
        "beixinqiao_proposal": beixinqiao_proposal,
        "petro_draft": petro_draft,
        "petro_claim": petro_claim,
        "tianqiao_request": CollectionRequest.objects.filter(round__committee=tianqiao).first(),
    }


def _residents(tianqiao, admin, today) -> None:
    """天桥街道's residents: a submission to 虎坊路社区, a completed project with its rating code and a rating, a
    survey (the demo has the same in 北新桥街道)."""
    hufang = Committee.objects.get(area_code=f"{TIANQIAO}001")
    intake.submit(committee=hufang, text="小区健身器材损坏，希望维修", phone="13944440001", name="冯桂英")
    now = timezone.now()
    done = Project.objects.create(
        committee=tianqiao,
        title="虎坊路社区健身器材维修",
        starts_on=today,
        ends_on=today,
        status="completed",
        completed_at=now,
    )
    code = residents.issue_rating_code(project=done, by=admin).code
    residents.rate(project=done, code=code, phone="13944440002", score=4)
    residents.create_survey(
        by=admin,
        committee=tianqiao,
        title="天桥街道居民满意度调查",
        questions=["环境", "服务"],
        opens_on=today,
        closes_on=today + datetime.timedelta(7),
    )


# Where a row of each model lies in the committee tree: the path to a division code. A row is outside a role's
# subtree when that code does not start with the role's home code (tests/permissions/roles.py, HOME).
CODE_PATHS = {
    "committees.Committee": "area_code",
    "committees.MemberUnit": "memberships__committee__area_code",
    "committees.Membership": "committee__area_code",
    "committees.Seat": "committee__area_code",
    "committees.User": "seats__committee__area_code",
    "committees.Resource": "committee__area_code",
    "committees.Need": "committee__area_code",
    "committees.Claim": "need__committee__area_code",
    "committees.CollectionRound": "committee__area_code",
    "committees.CollectionRequest": "round__committee__area_code",
    "committees.Project": "committee__area_code",
    "matching.MatchingRun": "scope_code",
    # Decided by its committee, or needed in the subtree (a community sees the proposals on its needs).
    "matching.Proposal": ("committee__area_code", "need__committee__area_code"),
    "matching.Meeting": "committee__area_code",
    "matching.AgendaItem": "meeting__committee__area_code",
    "matching.RulesOfProcedure": "committee__area_code",
    "matching.IndicatorTree": "committee__area_code",
    "matching.IndicatorScore": "indicator__tree__committee__area_code",
    "matching.CommitteeFigures": "committee__area_code",
    "matching.Evaluation": "project__committee__area_code",
    "matching.Publication": "committee__area_code",
    "matching.ProjectUpdate": "project__committee__area_code",
    "matching.Milestone": "project__committee__area_code",
    # 吹哨报到: a department lies where the streets it covers lie
    "committees.Department": "streets__area_code",
    "committees.DutySeat": "department__streets__area_code",
    "matching.Summons": "committee__area_code",
    "matching.SummonsPart": "summons__committee__area_code",
    "matching.SummonsRecord": "part__summons__committee__area_code",
    "matching.SummonsRules": "committee__area_code",
    "matching.DepartmentFigures": "department__streets__area_code",
    # 双报到
    "committees.OrganisationReport": "community__area_code",
    "committees.MemberReport": "community__area_code",
    "matching.CommunityTask": "community__area_code",
    "matching.SignUp": "task__community__area_code",
    "committees.Submission": "committee__area_code",
    # A project run by the committee, or serving a need of the subtree (its community hands out the code).
    "matching.RatingCode": (
        "project__committee__area_code",
        "project__allocations__need__committee__area_code",
    ),
    "matching.ResidentRating": (
        "project__committee__area_code",
        "project__allocations__need__committee__area_code",
    ),
    "matching.Survey": "committee__area_code",
}
# For a department's person on duty, what is theirs is their department's: the path to its name. Everything else
# with a place in the tree is outside (they sit on no committee), except themselves among the people.
DEPARTMENT_PATHS = {
    "committees.Department": "name",
    "committees.DutySeat": "department__name",
    "matching.Summons": "parts__department__name",
    "matching.SummonsPart": "department__name",
    "matching.SummonsRecord": "part__department__name",
    "matching.DepartmentFigures": "department__name",
}


def _of_department(role, model):
    """The rows of `model` that are the department's (None: nothing of the model is)."""
    path = DEPARTMENT_PATHS.get(model._meta.label)
    if model._meta.label == "committees.User":
        return model.objects.filter(username=role.username)
    return model.objects.filter(**{path: role.department}) if path else None


def _within(paths, code: str) -> Q:
    """A row lies in a subtree by any of its paths (a proposal is also its need's committee's)."""
    condition = Q()
    for path in (paths,) if isinstance(paths, str) else paths:
        condition |= Q(**{f"{path}__startswith": code})
    return condition


def outside(role, model):
    """The rows of `model` outside the role's subtree, oldest first; None where the model has no place in the
    tree (categories, scheduled jobs, export logs). The superuser has nothing outside."""
    path = CODE_PATHS.get(model._meta.label)
    if path is None:
        return None
    if role.is_superuser:
        return model.objects.none()
    if role.is_department:
        own = _of_department(role, model)
        rows = model.objects.all() if own is None else model.objects.exclude(pk__in=own.values("pk"))
        return rows.order_by("pk")
    within = model.objects.filter(_within(path, _home(role, model))).values("pk")
    return model.objects.exclude(pk__in=within).order_by("pk")


def inside(role, model):
    """The rows of `model` inside the role's subtree (everything for the superuser), oldest first."""
    path = CODE_PATHS.get(model._meta.label)
    if path is None or role.is_superuser:
        return model.objects.order_by("pk")
    if role.is_department:
        own = _of_department(role, model)
        return (own if own is not None else model.objects.none()).distinct().order_by("pk")
    return model.objects.filter(_within(path, _home(role, model))).distinct().order_by("pk")


# A department lies where the streets it covers lie; a community sees its street's (it summons their stations).
STREET_WIDE = {"committees.Department", "committees.DutySeat", "matching.DepartmentFigures"}
STREET_CODE_LENGTH = 9


def _home(role, model) -> str:
    code = HOME[role.committee]
    return code[:STREET_CODE_LENGTH] if model._meta.label in STREET_WIDE else code
