"""Every role: what it sees and what it does not; what it changes and what it may not."""

import datetime

import pytest

from committees import scoping
from committees.models import Seat
from tests.factories import SeatFactory, UserFactory

pytestmark = pytest.mark.django_db


def names(queryset):
    return set(queryset.values_list("name", flat=True))


def test_a_street_secretary_sees_the_street_and_its_communities_only(two_streets, secretary_of):
    me = secretary_of(two_streets["beixinqiao"])
    assert names(scoping.committees_for(me)) == {"北新桥街道", "民安社区"}


def test_a_street_secretary_sees_the_units_of_its_subtree_only(two_streets, secretary_of):
    me = secretary_of(two_streets["beixinqiao"])
    assert names(scoping.units_for(me)) == {"中国石油天然气集团有限公司", "府学胡同小学"}
    assert names(scoping.units_to_manage(me)) == {"中国石油天然气集团有限公司", "府学胡同小学"}


def test_a_street_secretary_neither_sees_nor_changes_another_streets_unit(two_streets, secretary_of):
    me = secretary_of(two_streets["beixinqiao"])
    assert not scoping.can_view(me, two_streets["theatre"])
    assert not scoping.can_change(me, two_streets["theatre"])
    assert not scoping.can_change(me, two_streets["tianqiao"])


def test_a_district_secretary_manages_the_whole_district(two_streets, secretary_of):
    me = secretary_of(two_streets["dongcheng"])
    assert names(scoping.committees_to_manage(me)) == {"东城区", "北新桥街道", "民安社区"}
    assert scoping.can_change(me, two_streets["school"])
    assert not scoping.can_view(me, two_streets["theatre"])


def test_a_community_secretary_does_not_see_its_street(two_streets, secretary_of):
    me = secretary_of(two_streets["minan"])
    assert names(scoping.committees_for(me)) == {"民安社区"}
    assert names(scoping.units_for(me)) == {"府学胡同小学"}


def test_an_overseer_reads_the_district_and_changes_nothing(two_streets, overseer_of):
    me = overseer_of(two_streets["dongcheng"])
    assert names(scoping.committees_for(me)) == {"东城区", "北新桥街道", "民安社区"}
    assert names(scoping.units_for(me)) == {"中国石油天然气集团有限公司", "府学胡同小学"}
    assert not scoping.committees_to_manage(me).exists()
    assert not scoping.units_to_manage(me).exists()
    assert not scoping.can_change(me, two_streets["petro"])


def test_a_liaison_sees_and_changes_its_own_unit_only(two_streets, liaison_of):
    me = liaison_of(two_streets["petro"], two_streets["beixinqiao"])
    assert names(scoping.units_for(me)) == {"中国石油天然气集团有限公司"}
    assert scoping.can_change(me, two_streets["petro"])
    assert not scoping.can_view(me, two_streets["school"])
    assert not scoping.can_change(me, two_streets["beixinqiao"])
    assert not scoping.scope_of(me).uses_admin


def test_a_liaison_sees_the_committees_its_unit_sits_on(two_streets, liaison_of):
    me = liaison_of(two_streets["petro"], two_streets["beixinqiao"])
    assert names(scoping.committees_for(me)) == {"北新桥街道"}


def test_a_chair_reads_its_committee_but_uses_no_admin(two_streets):
    chair = SeatFactory(committee=two_streets["beixinqiao"], role=Seat.Role.CHAIR).user
    assert names(scoping.committees_for(chair)) == {"北新桥街道"}
    assert not scoping.scope_of(chair).uses_admin
    assert not scoping.committees_to_manage(chair).exists()


def test_a_person_without_seats_sees_nothing(two_streets):
    nobody = UserFactory()
    assert not scoping.committees_for(nobody).exists()
    assert not scoping.units_for(nobody).exists()
    assert not scoping.seats_for(nobody).exclude(user=nobody).exists()


def test_a_superuser_sees_everything(two_streets, superuser):
    assert scoping.committees_for(superuser).count() == 6
    assert scoping.units_for(superuser).count() == 3


def test_an_ended_secretary_seat_gives_no_access(two_streets):
    today = datetime.date.today()
    seat = SeatFactory(
        committee=two_streets["beixinqiao"],
        role=Seat.Role.SECRETARY,
        since=today - datetime.timedelta(days=30),
        until=today - datetime.timedelta(days=1),
    )
    assert not scoping.committees_for(seat.user).exists()
    assert not scoping.scope_of(seat.user).uses_admin


def test_a_secretary_cannot_manage_a_person_who_also_sits_above_them(two_streets, secretary_of):
    me = secretary_of(two_streets["beixinqiao"])
    district_secretary = secretary_of(two_streets["dongcheng"])
    SeatFactory(committee=two_streets["beixinqiao"], role=Seat.Role.MEMBER, user=district_secretary)
    member = SeatFactory(committee=two_streets["beixinqiao"], role=Seat.Role.MEMBER).user
    assert district_secretary in scoping.people_for(me)
    assert district_secretary not in scoping.people_to_manage(me)
    assert member in scoping.people_to_manage(me)


def test_seats_and_memberships_of_other_streets_are_invisible(two_streets, secretary_of):
    me = secretary_of(two_streets["beixinqiao"])
    other = SeatFactory(committee=two_streets["tianqiao"], role=Seat.Role.CHAIR)
    assert other not in scoping.seats_for(me)
    assert not scoping.memberships_for(me).filter(committee=two_streets["tianqiao"]).exists()
