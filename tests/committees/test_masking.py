"""Personal data (PIPL): full for the owning side and the owning committee's secretaries, masked for everyone else."""

import pytest
from django.urls import reverse

from committees import masking, services
from committees.models import Category, Need
from tests.factories import MembershipFactory, MemberUnitFactory

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "138****5678"),
        ("010-64012345", "010-****2345"),
        ("64012345", "****2345"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_phone_numbers_are_masked_keeping_head_and_tail(raw, masked):
    assert masking.mask_phone(raw) == masked


def test_names_keep_the_surname_only():
    assert masking.mask_name("张秀兰") == "张**"


@pytest.fixture
def need(two_streets, liaison_of):
    owner = liaison_of(two_streets["school"], two_streets["minan"])
    record = services.create_record(
        Need,
        by=owner,
        owner_unit=two_streets["school"],
        committee=two_streets["minan"],
        category=Category.objects.get(code="care"),
        title="独居老人助餐",
        quantity=10,
        measure="people",
        contact_name="张秀兰",
        contact_phone=PHONE,
    )
    services.update_record(record, by=owner, contact_phone="13900001111")
    return services.publish_record(record, by=owner)


def test_the_owner_and_the_owning_committees_secretaries_see_in_full(
    need, two_streets, liaison_of, secretary_of
):
    assert masking.sees_in_full(liaison_of(two_streets["school"], two_streets["minan"]), need)
    assert masking.sees_in_full(secretary_of(two_streets["beixinqiao"]), need)
    assert masking.sees_in_full(secretary_of(two_streets["dongcheng"]), need)


def test_other_units_overseers_and_other_streets_see_masked(
    need, two_streets, liaison_of, overseer_of, secretary_of
):
    neighbour = MembershipFactory(committee=two_streets["minan"], unit=MemberUnitFactory()).unit
    assert not masking.sees_in_full(liaison_of(neighbour, two_streets["minan"]), need)
    assert not masking.sees_in_full(overseer_of(two_streets["dongcheng"]), need)
    assert not masking.sees_in_full(secretary_of(two_streets["tianqiao"]), need)


def test_apply_masks_masks_only_what_the_user_may_not_see(need, two_streets, liaison_of):
    neighbour = MembershipFactory(committee=two_streets["minan"], unit=MemberUnitFactory()).unit
    [shown] = masking.apply_masks(liaison_of(neighbour, two_streets["minan"]), [need])
    assert (shown.contact_name, shown.contact_phone, shown.is_masked) == ("张**", "139****1111", True)


def test_an_overseer_sees_masked_contacts_in_the_admin_form_and_history(
    client, need, two_streets, overseer_of
):
    client.force_login(overseer_of(two_streets["dongcheng"]))
    form = client.get(reverse("admin:committees_need_change", args=[need.pk])).content.decode()
    assert "139****1111" in form and "13900001111" not in form and "张秀兰" not in form
    history = client.get(reverse("admin:committees_need_history", args=[need.pk])).content.decode()
    assert "138****5678" in history
    assert PHONE not in history and "13900001111" not in history


def test_the_owning_secretary_sees_the_contact_in_full_in_the_admin(client, need, two_streets, secretary_of):
    client.force_login(secretary_of(two_streets["beixinqiao"]))
    form = client.get(reverse("admin:committees_need_change", args=[need.pk])).content.decode()
    assert "13900001111" in form
    history = client.get(reverse("admin:committees_need_history", args=[need.pk])).content.decode()
    assert PHONE in history
