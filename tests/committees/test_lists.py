"""Resources and needs: ownership, lifecycle, reach, claims, collection rounds, history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from committees import scoping, services
from committees.models import Category, Claim, CollectionRequest, Need, Reach, Resource
from config.exceptions import InvalidTransition
from tests.factories import MembershipFactory, MemberUnitFactory

pytestmark = pytest.mark.django_db

NEED = {
    "title": "社区老年人健康义诊",
    "description": "为民安社区60岁以上老人提供血压血糖检测",
    "quantity": 4,
    "measure": "sessions",
    "contact_name": "张秀兰",
    "contact_phone": "13812345678",
}


@pytest.fixture
def health():
    return Category.objects.get(code="health")


def make_need(by, unit, committee, category, **extra):
    return services.create_record(
        Need, by=by, owner_unit=unit, committee=committee, category=category, **{**NEED, **extra}
    )


def test_a_liaison_creates_a_draft_need_for_its_unit(two_streets, liaison_of, health):
    me = liaison_of(two_streets["school"], two_streets["minan"])
    need = make_need(me, two_streets["school"], two_streets["minan"], health)
    assert need.status == Need.Status.DRAFT
    assert need.reach_prefix == "110101005"  # reach "street" from 民安社区
    assert need.created_by == me


def test_a_liaison_cannot_create_a_record_for_another_unit(two_streets, liaison_of, health):
    me = liaison_of(two_streets["school"], two_streets["minan"])
    with pytest.raises(PermissionDenied):
        make_need(me, two_streets["theatre"], two_streets["tianqiao"], health)
    assert not Need.objects.exists()


def test_a_record_must_be_on_a_committee_the_unit_sits_on(two_streets, liaison_of, health):
    me = liaison_of(two_streets["school"], two_streets["minan"])
    with pytest.raises(ValidationError):
        make_need(me, two_streets["school"], two_streets["hufang"], health)
    assert not Need.objects.exists()


def test_publishing_a_need_opens_the_claim_window_of_its_committee(two_streets, liaison_of, health):
    minan = two_streets["minan"]
    minan.claim_window_days = 5
    minan.save()
    me = liaison_of(two_streets["school"], minan)
    need = services.publish_record(make_need(me, two_streets["school"], minan, health), by=me)
    assert need.status == Need.Status.PUBLISHED
    assert need.claim_hall_from - need.published_at == datetime.timedelta(days=5)


def test_withdrawing_needs_a_reason_and_is_final(two_streets, liaison_of, health):
    me = liaison_of(two_streets["school"], two_streets["minan"])
    need = services.publish_record(make_need(me, two_streets["school"], two_streets["minan"], health), by=me)
    with pytest.raises(ValidationError):
        services.withdraw_record(need, by=me, reason=" ")
    need = services.withdraw_record(need, by=me, reason="已由居委会自行解决")
    assert need.status == Need.Status.WITHDRAWN
    with pytest.raises(InvalidTransition):
        services.publish_record(need, by=me)
    assert Need.objects.filter(pk=need.pk).exists()  # withdrawn, not deleted


def test_a_liaison_cannot_withdraw_another_units_need(two_streets, liaison_of, health):
    owner = liaison_of(two_streets["school"], two_streets["minan"])
    need = services.publish_record(
        make_need(owner, two_streets["school"], two_streets["minan"], health), by=owner
    )
    intruder = liaison_of(two_streets["petro"], two_streets["beixinqiao"])
    with pytest.raises(PermissionDenied):
        services.withdraw_record(need, by=intruder, reason="恶意撤回")
    need.refresh_from_db()
    assert need.status == Need.Status.PUBLISHED


def test_every_change_is_kept_with_its_author(two_streets, liaison_of, secretary_of, health):
    me = liaison_of(two_streets["school"], two_streets["minan"])
    need = make_need(me, two_streets["school"], two_streets["minan"], health)
    secretary = secretary_of(two_streets["beixinqiao"])
    services.update_record(need, by=secretary, quantity=6)
    services.publish_record(need, by=me)
    history = list(
        need.history.order_by("history_date").values_list("history_user__username", "quantity", "status")
    )
    assert history == [
        (me.username, 4, "draft"),
        (secretary.username, 6, "draft"),
        (me.username, 6, "published"),
    ]


def test_a_street_reach_need_is_seen_by_units_of_the_whole_street_only(two_streets, liaison_of, health):
    owner = liaison_of(two_streets["school"], two_streets["minan"])
    need = services.publish_record(
        make_need(owner, two_streets["school"], two_streets["minan"], health), by=owner
    )
    same_street = liaison_of(two_streets["petro"], two_streets["beixinqiao"])
    other_street = liaison_of(two_streets["theatre"], two_streets["tianqiao"])
    assert need in scoping.needs_for(same_street)
    assert need not in scoping.needs_for(other_street)


def test_a_community_reach_need_stays_in_its_community(two_streets, liaison_of, health):
    owner = liaison_of(two_streets["school"], two_streets["minan"])
    need = make_need(owner, two_streets["school"], two_streets["minan"], health, reach=Reach.COMMUNITY)
    need = services.publish_record(need, by=owner)
    street_unit = liaison_of(two_streets["petro"], two_streets["beixinqiao"])
    assert need not in scoping.needs_for(street_unit)


def test_a_city_reach_resource_is_seen_in_another_district(two_streets, liaison_of, health):
    owner = liaison_of(two_streets["petro"], two_streets["beixinqiao"])
    resource = services.create_record(
        Resource,
        by=owner,
        owner_unit=two_streets["petro"],
        committee=two_streets["beixinqiao"],
        category=health,
        title="职工医院义诊车",
        quantity=10,
        measure="sessions",
        contact_name="孙浩",
        contact_phone="13900001111",
        reach=Reach.CITY,
    )
    resource = services.publish_record(resource, by=owner)
    far_away = liaison_of(two_streets["theatre"], two_streets["tianqiao"])
    assert resource in scoping.resources_for(far_away)


def test_drafts_are_not_seen_by_other_units(two_streets, liaison_of, health):
    owner = liaison_of(two_streets["school"], two_streets["minan"])
    need = make_need(owner, two_streets["school"], two_streets["minan"], health)
    assert need not in scoping.needs_for(liaison_of(two_streets["petro"], two_streets["beixinqiao"]))


def test_secretaries_see_their_subtrees_records_only(two_streets, liaison_of, secretary_of, health):
    owner = liaison_of(two_streets["school"], two_streets["minan"])
    need = make_need(owner, two_streets["school"], two_streets["minan"], health)
    assert need in scoping.needs_for(secretary_of(two_streets["beixinqiao"]))
    assert need not in scoping.needs_for(secretary_of(two_streets["tianqiao"]))


def test_the_home_committees_units_may_claim_at_once_others_after_the_window(two_streets, liaison_of, health):
    owner = liaison_of(two_streets["school"], two_streets["minan"])
    need = services.publish_record(
        make_need(owner, two_streets["school"], two_streets["minan"], health), by=owner
    )
    neighbour = MembershipFactory(
        committee=two_streets["minan"], unit=MemberUnitFactory(name="民安药房")
    ).unit
    street_unit = two_streets["petro"]
    assert need in scoping.claimable_needs(neighbour.pk)
    assert need not in scoping.claimable_needs(street_unit.pk)
    later = need.claim_hall_from + datetime.timedelta(minutes=1)
    assert need in scoping.claimable_needs(street_unit.pk, now=later)


def test_one_live_claim_per_unit_and_need_and_a_cancelled_claim_frees_the_slot(
    two_streets, liaison_of, health
):
    owner = liaison_of(two_streets["school"], two_streets["minan"])
    need = services.publish_record(
        make_need(owner, two_streets["school"], two_streets["minan"], health), by=owner
    )
    neighbour = MembershipFactory(
        committee=two_streets["minan"], unit=MemberUnitFactory(name="民安药房")
    ).unit
    me = liaison_of(neighbour, two_streets["minan"])
    claim = services.claim_need(need, unit=neighbour, by=me, note="药房药师每周出诊一次")
    with pytest.raises(ValidationError):
        services.claim_need(need, unit=neighbour, by=me)
    services.cancel_claim(claim, by=me, reason="人手不足")
    services.claim_need(need, unit=neighbour, by=me)
    assert Claim.objects.filter(need=need, unit=neighbour).count() == 2
    assert Claim.objects.filter(need=need, unit=neighbour, status=Claim.Status.LIVE).count() == 1


def test_a_unit_cannot_claim_its_own_need_or_for_another_unit(two_streets, liaison_of, health):
    owner = liaison_of(two_streets["school"], two_streets["minan"])
    need = services.publish_record(
        make_need(owner, two_streets["school"], two_streets["minan"], health), by=owner
    )
    with pytest.raises(ValidationError):
        services.claim_need(need, unit=two_streets["school"], by=owner)
    with pytest.raises(PermissionDenied):
        services.claim_need(need, unit=two_streets["petro"], by=owner)
    assert not Claim.objects.exists()


def test_withdrawing_a_need_cancels_its_live_claims(two_streets, liaison_of, health):
    owner = liaison_of(two_streets["school"], two_streets["minan"])
    need = services.publish_record(
        make_need(owner, two_streets["school"], two_streets["minan"], health), by=owner
    )
    neighbour = MembershipFactory(committee=two_streets["minan"], unit=MemberUnitFactory()).unit
    claim = services.claim_need(need, unit=neighbour, by=liaison_of(neighbour, two_streets["minan"]))
    services.withdraw_record(need, by=owner, reason="需求已取消")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.CANCELLED


def test_a_round_asks_every_current_member_unit(two_streets, secretary_of):
    me = secretary_of(two_streets["beixinqiao"])
    MembershipFactory(committee=two_streets["beixinqiao"])
    round_ = services.open_collection_round(
        committee=two_streets["beixinqiao"],
        by=me,
        title="2027年度需求征集",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    assert round_.requests.count() == 2


def test_a_secretary_cannot_open_a_round_for_another_street(two_streets, secretary_of):
    me = secretary_of(two_streets["beixinqiao"])
    with pytest.raises(PermissionDenied):
        services.open_collection_round(
            committee=two_streets["tianqiao"],
            by=me,
            title="越权征集",
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate(),
        )


def test_answering_a_round_with_a_need_or_nothing_marks_the_request(
    two_streets, secretary_of, liaison_of, health
):
    round_ = services.open_collection_round(
        committee=two_streets["beixinqiao"],
        by=secretary_of(two_streets["beixinqiao"]),
        title="征集",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )
    me = liaison_of(two_streets["petro"], two_streets["beixinqiao"])
    request = CollectionRequest.objects.get(round=round_, unit=two_streets["petro"])
    services.create_record(
        Need,
        by=me,
        owner_unit=two_streets["petro"],
        committee=two_streets["beixinqiao"],
        category=health,
        collection_request=request,
        **NEED,
    )
    request.refresh_from_db()
    assert request.answered_at is not None and request.answered_by == me
    assert not request.nothing_this_time


def test_nothing_this_time_is_an_answer_only_the_units_liaison_may_give(
    two_streets, secretary_of, liaison_of
):
    round_ = services.open_collection_round(
        committee=two_streets["beixinqiao"],
        by=secretary_of(two_streets["beixinqiao"]),
        title="征集",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )
    request = CollectionRequest.objects.get(round=round_, unit=two_streets["petro"])
    with pytest.raises(PermissionDenied):
        services.answer_nothing_this_time(
            request, by=liaison_of(two_streets["theatre"], two_streets["tianqiao"])
        )
    request.refresh_from_db()
    assert request.answered_at is None
    services.answer_nothing_this_time(request, by=liaison_of(two_streets["petro"], two_streets["beixinqiao"]))
    request.refresh_from_db()
    assert request.nothing_this_time and request.answered_at is not None


def test_the_database_refuses_allocating_more_than_the_quantity(two_streets, liaison_of, health):
    owner = liaison_of(two_streets["school"], two_streets["minan"])
    need = make_need(owner, two_streets["school"], two_streets["minan"], health)
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=need.pk).update(allocated_quantity=need.quantity + 1)
