import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from committees.models import Committee, Level, Membership, Seat
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MembershipFactory,
    MemberUnitFactory,
    SeatFactory,
    StreetFactory,
)

pytestmark = pytest.mark.django_db


def test_a_street_under_a_district_with_a_prefixed_code_is_valid():
    district = DistrictFactory(area_code="110101", name="东城区")
    street = Committee(level=Level.STREET, parent=district, name="北新桥街道", area_code="110101005")
    street.full_clean()


def test_a_street_code_outside_its_district_is_rejected():
    district = DistrictFactory(area_code="110101")
    street = Committee(level=Level.STREET, parent=district, name="德胜街道", area_code="110102010")
    with pytest.raises(ValidationError) as error:
        street.full_clean()
    assert "area_code" in error.value.message_dict


def test_a_community_cannot_hang_directly_under_a_district():
    district = DistrictFactory(area_code="110101")
    community = Committee(level=Level.COMMUNITY, parent=district, name="民安社区", area_code="110101005001")
    with pytest.raises(ValidationError) as error:
        community.full_clean()
    assert "parent" in error.value.message_dict


def test_a_district_with_a_parent_is_rejected():
    district = DistrictFactory(area_code="110101")
    other = Committee(level=Level.DISTRICT, parent=district, name="西城区", area_code="110102")
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert "parent" in error.value.message_dict


def test_the_database_refuses_a_street_without_a_parent():
    with pytest.raises(IntegrityError), transaction.atomic():
        Committee.objects.create(level=Level.STREET, name="孤儿街道", area_code="110101099")


def test_the_code_of_a_committee_with_children_cannot_change():
    street = StreetFactory(area_code="110101005")
    CommunityFactory(parent=street)
    street.area_code = "110101006"
    with pytest.raises(ValidationError) as error:
        street.full_clean()
    assert "area_code" in error.value.message_dict


def test_subtree_of_follows_the_code_prefix():
    street = StreetFactory(area_code="110101005", parent=DistrictFactory(area_code="110101"))
    inside = CommunityFactory(parent=street, area_code="110101005001")
    outside = StreetFactory(area_code="110101008", parent=street.parent)
    subtree = set(Committee.objects.subtree_of("110101005"))
    assert subtree == {street, inside}
    assert outside not in subtree


def test_a_committee_has_at_most_one_current_chair_in_forms():
    street = StreetFactory()
    SeatFactory(committee=street, role=Seat.Role.CHAIR)
    second = SeatFactory.build(committee=street, role=Seat.Role.CHAIR, user=SeatFactory().user)
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "role" in error.value.message_dict or "__all__" in error.value.message_dict


def test_a_committee_has_at_most_one_current_chair_in_the_database():
    street = StreetFactory()
    SeatFactory(committee=street, role=Seat.Role.CHAIR)
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatFactory(committee=street, role=Seat.Role.CHAIR)


def test_a_new_chair_may_follow_once_the_old_seat_has_ended():
    street = StreetFactory()
    old = SeatFactory(committee=street, role=Seat.Role.CHAIR)
    old.until = old.since
    old.save()
    SeatFactory(committee=street, role=Seat.Role.CHAIR).full_clean()
    assert Seat.objects.filter(committee=street, role=Seat.Role.CHAIR).count() == 2


def test_a_liaison_seat_needs_a_unit_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatFactory(role=Seat.Role.LIAISON, unit=None)


def test_a_liaisons_unit_must_be_a_member_of_the_committee():
    street = StreetFactory()
    seat = SeatFactory.build(
        committee=street, role=Seat.Role.LIAISON, unit=MemberUnitFactory(), user=SeatFactory().user
    )
    with pytest.raises(ValidationError) as error:
        seat.full_clean()
    assert "unit" in error.value.message_dict


def test_overseers_sit_on_district_committees_only():
    seat = SeatFactory.build(committee=StreetFactory(), role=Seat.Role.OVERSEER, user=SeatFactory().user)
    with pytest.raises(ValidationError) as error:
        seat.full_clean()
    assert "role" in error.value.message_dict


def test_a_unit_has_one_open_membership_per_committee():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(unit=membership.unit, committee=membership.committee)


def test_a_unit_can_sit_on_committees_at_several_levels():
    unit = MemberUnitFactory()
    street = StreetFactory()
    community = CommunityFactory(parent=street)
    MembershipFactory(unit=unit, committee=street.parent)
    MembershipFactory(unit=unit, committee=street)
    MembershipFactory(unit=unit, committee=community)
    assert Membership.objects.current().filter(unit=unit).count() == 3


def test_changes_to_a_unit_are_kept_in_its_history():
    unit = MemberUnitFactory(contact_name="张伟")
    unit.contact_name = "李娜"
    unit.save()
    assert [h.contact_name for h in unit.history.order_by("history_date")] == ["张伟", "李娜"]
