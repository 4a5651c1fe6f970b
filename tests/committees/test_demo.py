import pytest
from django.core.management import call_command

from committees import scoping
from committees.models import CollectionRound, Committee, Membership, MemberUnit, Need, Resource, Seat, User

pytestmark = pytest.mark.django_db


def counts():
    return [
        model.objects.count() for model in (Committee, MemberUnit, Membership, Seat, User, Need, Resource)
    ] + [Need.history.count(), MemberUnit.history.count()]


def test_the_demo_loads_beijing_and_running_it_twice_changes_nothing():
    call_command("load_demo")
    first = counts()
    call_command("load_demo", "--print-logins")
    assert counts() == first
    assert Committee.objects.filter(level="district").count() == 16
    assert Committee.objects.get(area_code="110101").name == "东城区"


def test_the_beixinqiao_secretary_sees_its_committee_communities_and_54_units():
    call_command("load_demo")
    secretary = User.objects.get(username="bxq_secretary")
    assert scoping.committees_for(secretary).count() == 7
    assert scoping.units_for(secretary).count() == 54
    assert not scoping.committees_for(secretary).filter(name="天桥街道").exists()


def test_the_demo_has_published_needs_and_resources_to_match():
    call_command("load_demo")
    assert Need.objects.filter(status="published").count() == 5
    assert Resource.objects.filter(status="published").count() == 6
    assert CollectionRound.objects.get().requests.count() == 54
