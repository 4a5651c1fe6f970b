"""The hand-built 2025 data set with known answers, shared by the figures and results tests."""

import datetime

from django.utils import timezone

from committees import services
from committees.models import (
    Allocation,
    Category,
    Claim,
    CollectionRequest,
    CollectionRound,
    Need,
    Project,
    Resource,
)
from matching.models import Evaluation, Meeting, Proposal, RulesOfProcedure
from matching.outcomes import figures, periods
from tests.factories import MembershipFactory, MemberUnitFactory


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def days_after(moment, days):
    return moment + datetime.timedelta(days=days)


def unit_at(committee, name):
    return MembershipFactory(committee=committee, unit=MemberUnitFactory(name=name)).unit


def record(model, superuser, committee, unit, title, published_at):
    created = services.create_record(
        model,
        by=superuser,
        committee=committee,
        owner_unit=unit,
        category=Category.objects.get(code="health"),
        quantity=1,
        reach="street",
        title=title,
        measure="sessions",
        contact_name="张三",
        contact_phone="13812345678",
    )
    services.publish_record(created, by=superuser)
    model.objects.filter(pk=created.pk).update(published_at=published_at)
    created.refresh_from_db()
    return created


def project_for(need, provider, *, confirmed_at, completed_at=None):
    project = Project.objects.create(
        committee=need.committee,
        title=need.title,
        lead_unit=provider,
        starts_on=confirmed_at.date(),
        ends_on=confirmed_at.date() + datetime.timedelta(days=60),
    )
    Allocation.objects.create(project=project, need=need, quantity=1, provider_unit=provider)
    Project.objects.filter(pk=project.pk).update(
        created_at=confirmed_at,
        status=Project.Status.COMPLETED if completed_at else Project.Status.IN_PROGRESS,
        completed_at=completed_at,
    )
    project.refresh_from_db()
    return project


def rating(project, side, score, *, rater, rated, on, revealed=True, by):
    evaluation_row = Evaluation.objects.create(
        project=project, side=side, score=score, rater_unit=rater, rated_unit=rated, created_by=by
    )
    Evaluation.objects.filter(pk=evaluation_row.pk).update(
        created_at=on, revealed_at=on if revealed else None
    )
    return evaluation_row


def proposal_at(need, resource, moment):
    proposal = Proposal.objects.create(
        need=need, resource=resource, committee=need.committee, quantity=1, provider_unit=resource.owner_unit
    )
    Proposal.objects.filter(pk=proposal.pk).update(created_at=moment)


def build_city(area, superuser):
    """2025 in 东城区: five needs with known outcomes, ratings, participation and plenary meetings.

    N1 民安, published 1 March: proposal after 2 days, confirmed after 10, completed after 30; rated 5 and 3.
    N2 民安, 5 March: claimed after 9 days (late), confirmed after 20, never completed.
    N3 九道湾, 10 April: nothing.
    N4 赵家楼 (建国门街道), 10 March: proposal after 1 day, confirmed after 4, completed after 14; rated 3.
    N5 北新桥街道 itself, 1 June: proposal after exactly 7 days; 北新桥 allows 10 days to respond.
    """
    a = area
    minan_unit = unit_at(a["minan"], "民安社区卫生服务站")
    street_unit = unit_at(a["beixinqiao"], "北新桥街道社区服务中心")
    jiudaowan_unit = unit_at(a["jiudaowan"], "九道湾物业公司")
    zhaojialou_unit = unit_at(a["zhaojialou"], "赵家楼饭店")
    hospital = unit_at(a["beixinqiao"], "东城区第一人民医院")

    n1 = record(Need, superuser, a["minan"], minan_unit, "老人体检", at(2025, 3, 1))
    n2 = record(Need, superuser, a["minan"], minan_unit, "楼道清理", at(2025, 3, 5))
    record(Need, superuser, a["jiudaowan"], jiudaowan_unit, "修缮厕所", at(2025, 4, 10))
    n4 = record(Need, superuser, a["zhaojialou"], zhaojialou_unit, "消防培训", at(2025, 3, 10))
    n5 = record(Need, superuser, a["beixinqiao"], street_unit, "党课讲师", at(2025, 6, 1))
    checkups = record(Resource, superuser, a["beixinqiao"], hospital, "义诊", at(2025, 2, 1))
    RulesOfProcedure.objects.create(committee=a["beixinqiao"], response_days=10)

    proposal_at(n1, checkups, days_after(n1.published_at, 2))
    proposal_at(n4, checkups, days_after(n4.published_at, 1))
    proposal_at(n5, checkups, days_after(n5.published_at, 7))
    claim = Claim.objects.create(need=n2, unit=hospital, created_by=superuser)
    Claim.objects.filter(pk=claim.pk).update(created_at=days_after(n2.published_at, 9))

    p1 = project_for(
        n1,
        hospital,
        confirmed_at=days_after(n1.published_at, 10),
        completed_at=days_after(n1.published_at, 30),
    )
    project_for(n2, hospital, confirmed_at=days_after(n2.published_at, 20))
    p4 = project_for(
        n4,
        hospital,
        confirmed_at=days_after(n4.published_at, 4),
        completed_at=days_after(n4.published_at, 14),
    )
    rating(p1, Evaluation.Side.NEED, 5, rater=minan_unit, rated=hospital, on=at(2025, 4, 2), by=superuser)
    rating(p1, Evaluation.Side.PROVIDER, 3, rater=hospital, rated=minan_unit, on=at(2025, 4, 3), by=superuser)
    rating(
        p4, Evaluation.Side.NEED, 3, rater=zhaojialou_unit, rated=hospital, on=at(2025, 4, 5), by=superuser
    )
    # A hidden rating (the other side has not rated, the window is open) counts nowhere.
    p6 = Project.objects.create(
        committee=a["minan"],
        title="义诊回访",
        lead_unit=hospital,
        starts_on=datetime.date(2025, 5, 1),
        ends_on=datetime.date(2025, 5, 2),
        status=Project.Status.COMPLETED,
        completed_at=at(2025, 5, 2),
    )
    rating(
        p6,
        Evaluation.Side.NEED,
        1,
        rater=minan_unit,
        rated=hospital,
        on=at(2025, 5, 3),
        revealed=False,
        by=superuser,
    )

    # Participation: the hospital publishes a resource in 2025 (above); the street's centre answers a round.
    round_ = CollectionRound.objects.create(
        committee=a["beixinqiao"],
        title="2025年征集",
        opens_on=datetime.date(2025, 3, 1),
        closes_on=datetime.date(2025, 3, 20),
        created_by=superuser,
    )
    CollectionRequest.objects.create(
        round=round_, unit=street_unit, answered_at=at(2025, 3, 8), answered_by=superuser
    )
    CollectionRequest.objects.create(round=round_, unit=minan_unit)

    for committee, days in (
        (a["beixinqiao"], (datetime.date(2025, 3, 15), datetime.date(2025, 9, 15))),
        (a["minan"], (datetime.date(2025, 6, 1),)),
    ):
        for day in days:
            Meeting.objects.create(committee=committee, title="全体会议", held_on=day, is_held=True)
    figures.compute(periods.year_with_months(2025, datetime.date(2025, 12, 31)))
    return {
        **a,
        "hospital": hospital,
        "minan_unit": minan_unit,
        "street_unit": street_unit,
        "zhaojialou_unit": zhaojialou_unit,
    }
