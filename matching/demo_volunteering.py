"""The 双报到 demo: 北新桥's six communities with a few hundred reported party members (most working for a
Beixinqiao member unit), a year of community tasks with their sign-ups and confirmed hours, this year's
organisation reports with a commitment each, and the demo logins `member_wang` (a member of 民安社区 working for
the hospital, signed up for tomorrow's task) and `minan_secretary` (民安社区's secretary, with reports and hours to
confirm). Bulk inserts for the volume, the services for the demo logins' own steps; running it twice changes
nothing (it stops at the marker: member_wang's report)."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from committees import services
from committees.models import (
    Category,
    Committee,
    MemberReport,
    Membership,
    MemberUnit,
    Seat,
    User,
)
from committees.models.reporting import Skill, skills_value
from matching import volunteering
from matching.models import CommunityTask, SignUp

STREET = "110101005"
PASSWORD = "Dangjian@2026"
MEMBERS_PER_COMMUNITY = 50
TASKS_A_WEEK = 2
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "建国",
    "秀兰",
    "志强",
    "丽华",
    "海涛",
    "静",
    "伟",
    "敏",
    "磊",
    "芳",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
]
TASKS = [
    ("楼门院环境清整", "general", "小区楼门口"),
    ("独居老人探访", "elderly", "社区居委会"),
    ("社区义诊", "medical", "社区卫生服务站"),
    ("法律咨询进社区", "legal", "社区活动室"),
    ("青少年课业辅导", "teaching", "社区图书室"),
    ("智能手机使用教学", "tech", "社区活动室"),
    ("夜间治安巡逻", "duty", "社区各巷口"),
    ("垃圾分类桶前值守", "general", "垃圾分类驿站"),
    ("文艺汇演志愿服务", "culture", "社区广场"),
    ("汛期防汛值守", "flood", "低洼院落"),
]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _person(username: str, name: str, password_hash: str) -> User:
    user, _created = User.objects.get_or_create(
        username=username, defaults={"name": name, "password": password_hash}
    )
    return user


def load(*, seed: int = 2026) -> str:
    """Load the demo once; returns a line saying what is there."""
    if MemberReport.objects.filter(user__username="member_wang").exists():
        return f"demo 双报到: already loaded ({MemberReport.objects.count()} member reports)"
    rng = random.Random(seed)
    street = Committee.objects.get(area_code=STREET)
    communities = list(Committee.objects.filter(parent=street, level="community").order_by("area_code"))
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    secretary = User.objects.get(username="bxq_secretary")
    password = make_password(PASSWORD)
    units = list(
        MemberUnit.objects.filter(memberships__committee__area_code__startswith=STREET)
        .distinct()
        .order_by("pk")
    )
    hospital = MemberUnit.objects.get(name="北京市东城区第一人民医院")
    today = timezone.localdate()
    with transaction.atomic():
        minan = communities[0]
        minan_secretary = _person("minan_secretary", "马丽", password)
        Seat.objects.get_or_create(
            committee=minan, user=minan_secretary, role=Seat.Role.SECRETARY, until=None,
            defaults={"position": "民安社区党委书记"},
        )  # fmt: skip
        _organisations(communities, admin or secretary, today)
        members = _members(rng, communities, units, password, today)
        tasks = _year_of_tasks(rng, communities, secretary, today)
        _sign_ups(rng, tasks, members, today)
        _demo_member(minan, minan_secretary, hospital)
    return (
        f"demo 双报到: {MemberReport.objects.count()} member reports, {CommunityTask.objects.count()} tasks, "
        f"{SignUp.objects.count()} sign-ups"
    )


def _organisations(communities, by, today) -> None:
    """This year's reports of the units sitting on a Beixinqiao community, each with one commitment (a resource)."""
    category = Category.objects.get(code="other")
    sitting = (
        Membership.objects.current().filter(committee__in=communities).select_related("unit", "committee")
    )
    for index, membership in enumerate(sitting.order_by("pk")):
        if index % 5 == 4:
            continue  # a few have not reported yet: the street's secretary sees them
        report = services.report_organisation(by=by, unit=membership.unit, community=membership.committee)
        services.add_commitment(
            by=by,
            report=report,
            category=category,
            title=f"{membership.unit.name[:20]}每季度志愿服务",
            quantity=4,
        )


def _members(rng, communities, units, password, today) -> list[MemberReport]:
    users = User.objects.bulk_create(
        [
            User(
                username=f"demo_member_{c.area_code[-3:]}_{i:03d}",
                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                password=password,
            )
            for c in communities
            for i in range(MEMBERS_PER_COMMUNITY)
        ]
    )
    skills = [code for code in Skill.values]
    reports = []
    for index, user in enumerate(users):
        community = communities[index // MEMBERS_PER_COMMUNITY]
        confirmed = index % 25 != 0  # one in 25 still waits for the secretary
        unit = rng.choice(units) if index % 4 else None
        reports.append(
            MemberReport(
                user=user,
                community=community,
                name=user.name,
                phone=f"13{rng.randint(100000000, 999999999)}",
                address=f"{community.name}{rng.randint(1, 40)}号院{rng.randint(1, 6)}-{rng.randint(101, 602)}",
                unit=unit,
                unit_name="" if unit else rng.choice(["自由职业", "某科技公司", "某律师事务所"]),
                skills=skills_value(rng.sample(skills, k=rng.randint(1, 3))),
                availability=rng.choice(["周末", "工作日晚上", "周末及节假日"]),
                status="confirmed" if confirmed else "pending",
                confirmed_at=_at(today - datetime.timedelta(days=rng.randint(30, 360)), 10)
                if confirmed
                else None,
            )
        )
    return bulk_create_with_history(reports, MemberReport)


def _year_of_tasks(rng, communities, secretary, today) -> list[CommunityTask]:
    tasks = []
    for community in communities:
        for week in range(52):
            for slot in range(TASKS_A_WEEK):
                day = today - datetime.timedelta(days=365 - week * 7 - slot * 3)
                title, skill, place = rng.choice(TASKS)
                start = _at(day, 9 if slot == 0 else 14)
                tasks.append(
                    CommunityTask(
                        community=community,
                        title=title,
                        place=f"{community.name}{place}",
                        starts_at=start,
                        ends_at=start + datetime.timedelta(hours=rng.choice([2, 3])),
                        people_wanted=rng.randint(3, 8),
                        skill=skill if skill != "general" else "",
                        urgent=skill == "flood",
                        created_by=secretary,
                    )
                )
    # and the coming weeks, open for sign-up
    for community in communities:
        for days in (1, 3, 6, 10):
            title, skill, place = rng.choice(TASKS)
            start = _at(today + datetime.timedelta(days=days), 9)
            tasks.append(
                CommunityTask(
                    community=community,
                    title=title,
                    place=f"{community.name}{place}",
                    starts_at=start,
                    ends_at=start + datetime.timedelta(hours=2),
                    people_wanted=6,
                    skill=skill if skill != "general" else "",
                    created_by=secretary,
                )
            )
    return bulk_create_with_history(tasks, CommunityTask, default_user=secretary)


def _sign_ups(rng, tasks, members, today) -> None:
    now = timezone.now()
    by_community: dict[int, list[MemberReport]] = {}
    for member in members:
        if member.status == "confirmed":
            by_community.setdefault(member.community_id, []).append(member)
    rows, counts = [], {}
    for task in tasks:
        pool = by_community[task.community_id]
        taken = rng.sample(
            pool, k=min(len(pool), rng.randint(max(1, task.people_wanted - 3), task.people_wanted))
        )
        past = task.ends_at < now
        for member in taken:
            recent = past and task.starts_at.date() >= today - datetime.timedelta(days=2)
            if past and not recent:
                status, hours = "confirmed", Decimal((task.ends_at - task.starts_at).seconds // 3600)
            elif recent:
                status, hours = "checked_in", None  # the secretary still has to confirm these
            else:
                status, hours = "signed_up", None
            rows.append(
                SignUp(
                    task=task,
                    member=member,
                    status=status,
                    hours=hours,
                    checked_in_at=task.starts_at if status != "signed_up" else None,
                    confirmed_at=task.ends_at if status == "confirmed" else None,
                )
            )
        counts[task.pk] = len(taken)
    bulk_create_with_history(rows, SignUp, batch_size=2000)
    for task in tasks:
        task.signed_up_count = counts[task.pk]
        full = task.signed_up_count >= task.people_wanted
        task.filled_at = task.starts_at - datetime.timedelta(days=1) if full else None
    CommunityTask.objects.bulk_update(tasks, ["signed_up_count", "filled_at"], batch_size=2000)


def _demo_member(minan, minan_secretary, hospital) -> None:
    """member_wang registers through the service, is confirmed by 民安社区's secretary and signs up for tomorrow."""
    wang = _person("member_wang", "王建军", make_password(PASSWORD))
    report = services.register_member(
        by=wang,
        community=minan,
        name="王建军",
        phone="13911112222",
        address="民安社区北新桥三条8号院2-301",
        unit=hospital,
        skills=["medical", "duty"],
        availability="周末",
        commitment="每月参加一次社区义诊，汛期参加防汛值守。",
    )
    services.confirm_member(by=minan_secretary, report=report)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    task = (
        CommunityTask.objects.filter(community=minan, starts_at__date=tomorrow, signed_up_count__lt=6)
        .order_by("pk")
        .first()
    )
    if task is not None:
        volunteering.sign_up(by=wang, task=task)
