"""The secretaries' admin: scoped change lists, forms by URL id, autocomplete, filters, history and exports."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from committees.models import Committee, MemberUnit, Seat
from tests.factories import MembershipFactory, MemberUnitFactory, SeatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bxq_secretary(client, two_streets, secretary_of):
    user = secretary_of(two_streets["beixinqiao"])
    client.force_login(user)
    return user


def test_a_secretary_logs_in_to_the_admin_by_role_without_the_staff_flag(client, two_streets, secretary_of):
    user = secretary_of(two_streets["beixinqiao"])
    user.set_password("pw-12345678")
    user.save()
    assert not user.is_staff
    response = client.post(reverse("admin:login"), {"username": user.username, "password": "pw-12345678"})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_liaison_cannot_log_in_to_the_admin(client, two_streets, liaison_of):
    user = liaison_of(two_streets["petro"], two_streets["beixinqiao"])
    user.set_password("pw-12345678")
    user.save()
    response = client.post(reverse("admin:login"), {"username": user.username, "password": "pw-12345678"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_unit_change_list_shows_the_subtree_only(client, bxq_secretary):
    response = client.get(reverse("admin:committees_memberunit_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "中国石油天然气集团有限公司" in page and "府学胡同小学" in page
    assert "北京天桥艺术中心" not in page


def test_the_committee_change_list_is_in_chinese_and_scoped(client, bxq_secretary):
    page = client.get(reverse("admin:committees_committee_changelist")).content.decode()
    assert "委员会" in page
    assert "北新桥街道" in page and "民安社区" in page
    assert "天桥街道" not in page and "虎坊路社区" not in page


@pytest.mark.parametrize(
    ("url_name", "key"),
    [
        ("admin:committees_committee_change", "tianqiao"),
        ("admin:committees_committee_change", "hufang"),
        ("admin:committees_memberunit_change", "theatre"),
    ],
)
def test_another_streets_records_by_url_id_are_not_shown(client, bxq_secretary, two_streets, url_name, key):
    response = client.get(reverse(url_name, args=[two_streets[key].pk]))
    assert response.status_code in (302, 403, 404)
    assert two_streets[key].name not in response.content.decode()


def test_another_streets_seat_by_url_id_is_not_shown(client, bxq_secretary, two_streets):
    seat = SeatFactory(committee=two_streets["tianqiao"], role=Seat.Role.CHAIR)
    response = client.get(reverse("admin:committees_seat_change", args=[seat.pk]))
    assert response.status_code in (302, 403, 404)


def test_posting_a_change_to_another_streets_unit_changes_nothing(client, bxq_secretary, two_streets):
    theatre = two_streets["theatre"]
    response = client.post(
        reverse("admin:committees_memberunit_change", args=[theatre.pk]), {"name": "被篡改"}
    )
    assert response.status_code in (302, 403, 404)
    theatre.refresh_from_db()
    assert theatre.name == "北京天桥艺术中心"


def test_history_of_another_streets_unit_is_refused(client, bxq_secretary, two_streets):
    response = client.get(reverse("admin:committees_memberunit_history", args=[two_streets["theatre"].pk]))
    assert response.status_code in (403, 404)


def test_history_of_an_own_unit_lists_changes_with_their_author(client, bxq_secretary, two_streets):
    petro = two_streets["petro"]
    petro.contact_name = "孙浩"
    petro._history_user = bxq_secretary
    petro.save()
    page = client.get(reverse("admin:committees_memberunit_history", args=[petro.pk])).content.decode()
    assert bxq_secretary.username in page or bxq_secretary.name in page


def autocomplete(client, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "committees", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return {row["text"] for row in json.loads(response.content)["results"]}


def test_committee_autocomplete_offers_the_subtree_only(client, bxq_secretary):
    offered = autocomplete(client, "membership", "committee")
    assert offered == {"北新桥街道", "民安社区"}


def test_unit_autocomplete_leaks_no_other_street_unit(client, bxq_secretary):
    offered = autocomplete(client, "membership", "unit", term="北京")
    assert "北京天桥艺术中心" not in offered
    assert autocomplete(client, "membership", "unit", term="天桥") == set()


def test_the_committee_filter_offers_the_subtree_only_and_ignores_foreign_ids(
    client, bxq_secretary, two_streets
):
    url = reverse("admin:committees_memberunit_changelist")
    page = client.get(url).content.decode()
    assert "天桥街道" not in page
    response = client.get(url, {"committee": two_streets["tianqiao"].pk})
    assert "北京天桥艺术中心" not in response.content.decode()


def test_a_membership_form_refuses_a_committee_outside_the_subtree(client, bxq_secretary, two_streets):
    response = client.post(
        reverse("admin:committees_membership_add"),
        {
            "unit": two_streets["petro"].pk,
            "committee": two_streets["tianqiao"].pk,
            "role": "member_unit",
            "since": "2026-01-01",
        },
    )
    assert response.status_code == 200  # the form again, with an error
    assert not two_streets["petro"].memberships.filter(committee=two_streets["tianqiao"]).exists()


def test_the_ledger_export_contains_the_subtree_only_and_neutralises_formulas(
    client, bxq_secretary, two_streets
):
    petro = two_streets["petro"]
    petro.address = '=HYPERLINK("http://x")'  # not a contact: contacts are exported masked
    petro.save()
    every_id = list(MemberUnit.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:committees_memberunit_changelist"),
        {"action": "export_ledger", "_selected_action": every_id},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "序号"
    exported = {row[1] for row in rows[1:]}
    assert exported == {"中国石油天然气集团有限公司", "府学胡同小学"}
    address_cells = [row[6] for row in rows[1:] if row[1] == "中国石油天然气集团有限公司"]
    assert address_cells == ['\'=HYPERLINK("http://x")']


def test_the_unit_form_shows_its_memberships_in_the_subtree_only(client, bxq_secretary, two_streets):
    petro = two_streets["petro"]
    MembershipFactory(unit=petro, committee=two_streets["tianqiao"])
    page = client.get(reverse("admin:committees_memberunit_change", args=[petro.pk])).content.decode()
    assert 'name="memberships-TOTAL_FORMS" value="1"' in page
    assert "北新桥街道" in page and "天桥街道" not in page


def test_the_committee_form_lists_its_units_and_seats(client, bxq_secretary, two_streets):
    page = client.get(
        reverse("admin:committees_committee_change", args=[two_streets["beixinqiao"].pk])
    ).content.decode()
    assert "中国石油天然气集团有限公司" in page
    assert bxq_secretary.name in page


def test_an_overseer_can_view_but_not_change(client, two_streets, overseer_of):
    client.force_login(overseer_of(two_streets["dongcheng"]))
    petro = two_streets["petro"]
    url = reverse("admin:committees_memberunit_change", args=[petro.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(url, {"name": "改名", "credit_code": petro.credit_code})
    assert response.status_code == 403
    petro.refresh_from_db()
    assert petro.name == "中国石油天然气集团有限公司"


# What the committee form's read-only inlines submit along with it.
INLINES = {
    f"{prefix}-{field}": "0"
    for prefix in ("seats", "memberships")
    for field in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def test_a_secretary_creating_a_district_gets_a_form_error(client, bxq_secretary):
    response = client.post(
        reverse("admin:committees_committee_add"),
        {"level": "district", "name": "越权区", "area_code": "110199", "claim_window_days": 7, **INLINES},
    )
    assert response.status_code == 200
    assert "只有系统管理员" in response.content.decode()
    assert not Committee.objects.filter(area_code="110199").exists()


def test_a_secretary_adds_a_community_under_the_street(client, bxq_secretary, two_streets):
    response = client.post(
        reverse("admin:committees_committee_add"),
        {
            "level": "community",
            "parent": two_streets["beixinqiao"].pk,
            "name": "九道湾社区",
            "area_code": "110101005002",
            "claim_window_days": 7,
            **INLINES,
        },
    )
    assert response.status_code == 302
    assert Committee.objects.get(area_code="110101005002").parent == two_streets["beixinqiao"]


def test_a_street_secretary_renames_its_street_without_moving_it(client, bxq_secretary, two_streets):
    street = two_streets["beixinqiao"]
    response = client.post(
        reverse("admin:committees_committee_change", args=[street.pk]),
        {
            "name": "北新桥街道（新）",
            "address": "东城区北新桥",
            "claim_window_days": 10,
            "level": "district",
            "area_code": "110102",
            **INLINES,
        },
    )
    assert response.status_code == 302
    street.refresh_from_db()
    assert (street.name, street.claim_window_days, street.level, street.area_code) == (
        "北新桥街道（新）",
        10,
        "street",
        "110101005",
    )


def test_nobody_can_delete_a_unit_in_the_admin(client, bxq_secretary, two_streets):
    response = client.post(
        reverse("admin:committees_memberunit_delete", args=[two_streets["petro"].pk]), {"post": "yes"}
    )
    assert response.status_code in (302, 403)
    assert MemberUnit.objects.filter(pk=two_streets["petro"].pk).exists()


@pytest.mark.parametrize("rows", [5, 60])
def test_the_unit_change_list_query_count_does_not_grow_with_the_page(
    client, bxq_secretary, two_streets, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        MembershipFactory(committee=two_streets["minan"], unit=MemberUnitFactory())
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:committees_memberunit_changelist")).status_code == 200


@pytest.mark.parametrize("rows", [5, 60])
def test_the_committee_change_list_query_count_does_not_grow_with_the_page(
    client, bxq_secretary, two_streets, rows, django_assert_max_num_queries
):
    from tests.factories import CommunityFactory

    for _ in range(rows):
        CommunityFactory(parent=two_streets["beixinqiao"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:committees_committee_changelist")).status_code == 200


@pytest.mark.parametrize("members", [3, 40])
def test_the_committee_change_form_query_count_does_not_grow_with_its_members(
    client, bxq_secretary, two_streets, members, django_assert_max_num_queries
):
    for _ in range(members):
        MembershipFactory(committee=two_streets["beixinqiao"])
        SeatFactory(committee=two_streets["beixinqiao"], role=Seat.Role.MEMBER)
    with django_assert_max_num_queries(25):
        url = reverse("admin:committees_committee_change", args=[two_streets["beixinqiao"].pk])
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("memberships", [1, 8])
def test_the_unit_change_form_query_count_stays_bounded(
    client, bxq_secretary, two_streets, memberships, django_assert_max_num_queries
):
    from tests.factories import CommunityFactory

    petro = two_streets["petro"]
    for _ in range(memberships):
        MembershipFactory(unit=petro, committee=CommunityFactory(parent=two_streets["beixinqiao"]))
    with django_assert_max_num_queries(26):  # + the header's unread notifications count
        assert client.get(reverse("admin:committees_memberunit_change", args=[petro.pk])).status_code == 200
