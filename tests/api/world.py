"""A small, realistic world for exercising the whole API: two districts, a street in each with a community, units
with needs and resources, a collection round, a matching run with its proposal, a meeting with the proposal on
its agenda, a project; a street secretary and a liaison of 北新桥 to act as."""

import datetime

from django.utils import timezone

from committees import scoping, services
from committees.models import Category, CollectionRequest, Need, Project, Resource, Seat
from matching import scoping as pipeline_scoping
from matching import summons as summons_service
from matching import volunteering
from matching.models import AgendaItem, MatchingRun, Meeting
from matching.pipeline import runs
from tests.factories import (
    CommunityFactory,
    DepartmentFactory,
    DistrictFactory,
    DutySeatFactory,
    MembershipFactory,
    MemberUnitFactory,
    SeatFactory,
    StreetFactory,
    UserFactory,
)


def _street(district_code, district_name, street_code, street_name, community_name, root):
    district = DistrictFactory(area_code=district_code, name=district_name)
    street = StreetFactory(parent=district, area_code=street_code, name=street_name)
    community = CommunityFactory(parent=street, area_code=f"{street_code}001", name=community_name)
    category = Category.objects.get(code="health")
    needer = MembershipFactory(
        committee=community, unit=MemberUnitFactory(name=f"{community_name}养老照料中心")
    ).unit
    MembershipFactory(committee=street, unit=needer)
    giver = MembershipFactory(
        committee=street, unit=MemberUnitFactory(name=f"{street_name}社区卫生服务中心")
    ).unit
    records = {}
    for model, unit, committee, title in (
        (Need, needer, community, "老年人健康体检"),
        (Resource, giver, street, "医生志愿义诊"),
    ):
        record = services.create_record(
            model,
            by=root,
            owner_unit=unit,
            committee=committee,
            category=category,
            title=title,
            description="每月一次，为辖区老人提供血压、血糖检测",
            quantity=3,
            measure="sessions",
            reach="street",
            contact_name="王秀英",
            contact_phone="13812345678",
        )
        records[model] = services.publish_record(record, by=root)
    services.create_record(
        Need,
        by=root,
        owner_unit=needer,
        committee=community,
        category=category,
        title="助餐服务（草稿）",
        quantity=2,
        measure="people",
        contact_name="王秀英",
        contact_phone="13812345678",
    )
    round_ = services.open_collection_round(
        committee=street,
        by=root,
        title=f"{street_name}2026年第四季度需求征集",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + datetime.timedelta(days=14),
        categories=[category],
    )
    run = MatchingRun.objects.create(committee=street, scope_code=street.area_code)
    runs.execute(run.pk)
    proposal = run.proposals.get()
    meeting = Meeting.objects.create(
        committee=street,
        title=f"{street_name}第四季度全体会议",
        held_on=timezone.localdate(),
        place="街道工委会议室",
    )
    AgendaItem.objects.create(meeting=meeting, proposal=proposal)
    Project.objects.create(
        committee=street,
        title=f"{street_name}健康进社区",
        lead_unit=giver,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=90),
    )
    SeatFactory(committee=street, role=Seat.Role.MEMBER, unit=giver, position="党委书记")
    # 吹哨报到: a department covering the street with its person on duty, and a summons it reported on.
    department = DepartmentFactory(name=f"{district_name}交通委员会", district=district, streets=[street])
    on_duty = DutySeatFactory(department=department).user
    summons = summons_service.raise_summons(
        by=root,
        committee=street,
        departments=[department],
        title=f"{street_name}路口积水",
        place=f"{street_name}三条东口",
        category="emergency",
        urgency="urgent",
    )
    summons_service.report(part=summons.parts.get(), by=on_duty, attendee_name="王队长")
    return {
        "department": department,
        "on_duty": on_duty,
        "district": district,
        "street": street,
        "community": community,
        "needer": needer,
        "giver": giver,
        "round": round_,
        "proposal": proposal,
        "meeting": meeting,
    }


def build_world() -> dict:
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    beixinqiao = _street("110101", "东城区", "110101005", "北新桥街道", "民安社区", root)
    tianqiao = _street("110102", "西城区", "110102014", "天桥街道", "虎坊路社区", root)
    secretary = SeatFactory(
        committee=beixinqiao["street"], role=Seat.Role.SECRETARY, position="街道工委书记"
    ).user
    liaison = SeatFactory(
        committee=beixinqiao["community"], role=Seat.Role.LIAISON, unit=beixinqiao["needer"]
    ).user
    members = {
        key: _reporting(place, root) for key, place in (("beixinqiao", beixinqiao), ("tianqiao", tianqiao))
    }
    return {
        "beixinqiao": beixinqiao,
        "tianqiao": tianqiao,
        "roles": {
            "street secretary": secretary,
            "liaison": liaison,
            "department": beixinqiao["on_duty"],  # 吹哨报到: the person on duty of 东城区交通委员会
            "party member": members["beixinqiao"],  # 双报到
        },
        "superuser": root,
    }


def _reporting(place, root):
    """双报到 in a street's community: the unit's organisation report with a commitment, a confirmed party member of
    the unit signed up for a task, and a second task."""
    community = place["community"]
    report = services.report_organisation(by=root, unit=place["needer"], community=community)
    services.add_commitment(
        by=root, report=report, category=Category.objects.get(code="health"), title="每季度义诊"
    )
    member = UserFactory()
    services.confirm_member(
        by=root,
        report=services.register_member(
            by=member,
            community=community,
            name="王建军",
            phone="13911112222",
            address="某胡同8号院",
            unit=place["needer"],
            skills=["medical"],
        ),
    )
    scoping.forget_scope(member)
    start = timezone.now() + datetime.timedelta(days=2)
    for title in ("社区义诊", "防汛值守"):
        task = volunteering.publish_task(
            by=root,
            community=community,
            title=title,
            place="社区活动室",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            people_wanted=3,
        )
    volunteering.sign_up(by=member, task=task)
    scoping.forget_scope(member)
    return member


def id_pools(user, world) -> dict[str, list[int]]:
    """Per endpoint: a few ids the user may see, then one they may not (for path and body ids)."""
    scoping.forget_scope(user)
    root = world["superuser"]
    visible = {
        "committees": scoping.committees_for,
        "member-units": scoping.units_for,
        "memberships": scoping.memberships_for,
        "seats": scoping.seats_for,
        "needs": scoping.needs_for,
        "resources": scoping.resources_for,
        "collection-rounds": scoping.rounds_for,
        "projects": scoping.projects_for,
        "people": scoping.people_for,
        "matching-runs": pipeline_scoping.runs_for,
        "proposals": pipeline_scoping.proposals_for,
        "meetings": pipeline_scoping.meetings_for,
        "departments": scoping.departments_for,
        "summonses": pipeline_scoping.summons_for,
        "summons-parts": pipeline_scoping.summons_parts_for,
        "organisation-reports": scoping.organisation_reports_for,
        "member-reports": scoping.member_reports_for,
        "community-tasks": pipeline_scoping.tasks_for,
        "sign-ups": pipeline_scoping.sign_ups_for,
    }
    pools = {}
    for name, query in visible.items():
        mine = list(query(user).order_by("pk").values_list("pk", flat=True)[:6])
        outside = list(
            query(root)
            .exclude(pk__in=query(user).values("pk"))
            .order_by("pk")
            .values_list("pk", flat=True)[:1]
        )
        pools[name] = mine + outside
    pools["categories"] = list(Category.objects.values_list("pk", flat=True)[:3])
    pools["collection-requests"] = list(
        CollectionRequest.objects.filter(round__committee__area_code__startswith="110101")
        .order_by("pk")
        .values_list("pk", flat=True)[:6]
    ) + list(
        CollectionRequest.objects.filter(round__committee__area_code__startswith="110102").values_list(
            "pk", flat=True
        )[:1]
    )
    return pools
