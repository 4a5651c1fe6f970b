"""Issue 12, items 1, 2, 4 and 10 in the admin: a list accepts only the lookups its filters declare (no secret or
masked value comes out a character at a time), history pages never write, read-only roles run no changing action,
and every write of the registry goes through its service."""

import pytest
from django.urls import reverse
from django.utils import timezone

from committees import services
from committees.models import Category, Committee, Membership, MemberUnit, Need, Seat, User
from tests.factories import MemberUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bxq_secretary(client, two_streets, secretary_of):
    user = secretary_of(two_streets["beixinqiao"])
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "url_name, query",
    [
        ("admin:committees_user_changelist", "password__startswith=md5"),
        ("admin:committees_user_changelist", "phone__startswith=1"),
        ("admin:committees_memberunit_changelist", "contact_phone__startswith=1"),
        ("admin:committees_memberunit_changelist", "contact_name=张三"),
        ("admin:committees_need_changelist", "contact_phone__startswith=1"),
        ("admin:committees_need_changelist", "created_by__password__startswith=m"),
        ("admin:committees_committee_changelist", "seats__user__password__startswith=m"),
    ],
)
def test_a_list_refuses_lookups_its_filters_do_not_declare(client, two_streets, overseer_of, url_name, query):
    client.force_login(overseer_of(two_streets["dongcheng"]))
    response = client.get(f"{reverse(url_name)}?{query}")
    assert response.status_code == 400


def test_a_list_still_takes_its_declared_filters(client, bxq_secretary, two_streets):
    assert (
        client.get(reverse("admin:committees_committee_changelist") + "?level__exact=community").status_code
        == 200
    )
    assert client.get(reverse("admin:committees_need_changelist") + "?status__exact=draft").status_code == 200
    url = reverse("admin:committees_membership_changelist")
    assert client.get(f"{url}?committee={two_streets['minan'].pk}&current=yes").status_code == 200


@pytest.mark.parametrize("role", ["secretary", "overseer", "superuser"])
def test_history_pages_never_save(client, two_streets, secretary_of, overseer_of, role):
    petro = two_streets["petro"]
    petro.contact_name = "孙浩"
    petro.save()
    user = {
        "secretary": lambda: secretary_of(two_streets["beixinqiao"]),
        "overseer": lambda: overseer_of(two_streets["dongcheng"]),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[role]()
    client.force_login(user)
    version = petro.history.earliest()
    url = reverse("admin:committees_memberunit_simple_history", args=[petro.pk, version.history_id])

    shown = client.get(url)
    posted = client.post(url, {"name": "被改名的单位", "credit_code": petro.credit_code, "kind": petro.kind})

    assert shown.status_code == 200
    assert posted.status_code == 405
    petro.refresh_from_db()
    assert petro.name != "被改名的单位" and petro.contact_name == "孙浩"


def test_a_read_only_role_is_offered_no_changing_action_and_cannot_post_one(client, two_streets, overseer_of):
    client.force_login(overseer_of(two_streets["dongcheng"]))
    membership = Membership.objects.get(unit=two_streets["petro"])
    url = reverse("admin:committees_membership_changelist")

    action_form = client.get(url).context["action_form"]
    response = client.post(url, {"action": "end_today", "_selected_action": [membership.pk]})

    assert action_form is None  # no action offered at all
    assert response.status_code in (200, 302)
    membership.refresh_from_db()
    assert membership.until is None


def test_exports_stay_offered_to_a_read_only_role(client, two_streets, overseer_of):
    client.force_login(overseer_of(two_streets["dongcheng"]))
    actions = (
        client.get(reverse("admin:committees_need_changelist"))
        .context["action_form"]
        .fields["action"]
        .choices
    )
    assert [name for name, _label in actions if name] == ["export_ledger"]


# --- Every registry write through its service (item 10) ---------------------------------------------------------


def test_a_membership_added_in_the_admin_goes_through_the_service(client, bxq_secretary, two_streets):
    unit = two_streets["petro"]
    response = client.post(
        reverse("admin:committees_membership_add"),
        {"unit": unit.pk, "committee": two_streets["minan"].pk, "role": "member_unit", "since": "2026-01-01"},
    )
    assert response.status_code == 302
    added = Membership.objects.get(unit=unit, committee=two_streets["minan"])
    assert added.history.latest().history_user == bxq_secretary


def test_a_membership_of_a_unit_outside_the_subtree_is_a_form_error(client, bxq_secretary, two_streets):
    response = client.post(
        reverse("admin:committees_membership_add"),
        {
            "unit": two_streets["theatre"].pk,
            "committee": two_streets["minan"].pk,
            "role": "member_unit",
            "since": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(unit=two_streets["theatre"], committee=two_streets["minan"]).exists()


def test_an_existing_membership_changes_only_its_role(client, bxq_secretary, two_streets):
    membership = Membership.objects.get(unit=two_streets["petro"])
    client.post(
        reverse("admin:committees_membership_change", args=[membership.pk]),
        {
            "unit": two_streets["theatre"].pk,
            "committee": two_streets["tianqiao"].pk,
            "role": "vice_chair_unit",
            "since": "2001-01-01",
        },
    )
    membership.refresh_from_db()
    assert (membership.unit, membership.committee) == (two_streets["petro"], two_streets["beixinqiao"])
    assert membership.role == "vice_chair_unit"


def test_a_seat_added_in_the_admin_goes_through_the_service(client, bxq_secretary, two_streets):
    person = UserFactory(registered_by=two_streets["beixinqiao"])
    response = client.post(
        reverse("admin:committees_seat_add"),
        {
            "committee": two_streets["beixinqiao"].pk,
            "role": "liaison",
            "user": person.pk,
            "unit": two_streets["petro"].pk,
            "position": "党委办公室主任",
            "since": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    seat = Seat.objects.get(user=person)
    assert seat.history.latest().history_user == bxq_secretary


def test_a_seat_for_a_person_the_secretary_cannot_see_is_a_form_error(client, bxq_secretary, two_streets):
    stranger = UserFactory(registered_by=two_streets["tianqiao"])
    response = client.post(
        reverse("admin:committees_seat_add"),
        {
            "committee": two_streets["beixinqiao"].pk,
            "role": "member",
            "user": stranger.pk,
            "since": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert not Seat.objects.filter(user=stranger).exists()


def test_a_new_unit_joins_the_committee_chosen_on_its_form(client, bxq_secretary, two_streets):
    code = MemberUnitFactory.build().credit_code
    response = client.post(
        reverse("admin:committees_memberunit_add"),
        {
            "committee": two_streets["minan"].pk,
            "role": "member_unit",
            "name": "北新桥社区卫生服务中心",
            "credit_code": code,
            "kind": MemberUnit._meta.get_field("kind").choices[0][0],
            "party_member_count": 12,
            "contact_name": "刘芳",
            "contact_phone": "13912345678",
        },
    )
    assert response.status_code == 302
    unit = MemberUnit.objects.get(credit_code=code)
    assert list(Membership.objects.filter(unit=unit).values_list("committee__name", flat=True)) == [
        "民安社区"
    ]
    assert unit.history.latest().history_user == bxq_secretary


def test_a_new_committee_is_created_by_the_service(client, bxq_secretary, two_streets):
    client.post(
        reverse("admin:committees_committee_add"),
        {
            "level": "community",
            "parent": two_streets["beixinqiao"].pk,
            "name": "九道湾社区",
            "area_code": "110101005002",
            "claim_window_days": 7,
            "seats-TOTAL_FORMS": "0",
            "seats-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert Committee.objects.get(area_code="110101005002").history.latest().history_user == bxq_secretary


def test_a_person_registered_in_the_admin_goes_through_the_service(client, bxq_secretary, two_streets):
    response = client.post(
        reverse("admin:committees_user_add"),
        {
            "username": "wangfang",
            "name": "王芳",
            "phone": "13812345678",
            "email": "",
            "registered_by": two_streets["beixinqiao"].pk,
            "password1": "Xk9#mQ2$vL7!pR4",
            "password2": "Xk9#mQ2$vL7!pR4",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(username="wangfang")
    assert person.registered_by == two_streets["beixinqiao"] and person.check_password("Xk9#mQ2$vL7!pR4")


# --- A page offers only what the service accepts (issue 13: 撤回 where the state machine refuses it) ------------


def test_the_record_page_offers_no_withdrawal_the_lifecycle_refuses(client, two_streets, liaison_of):
    liaison = liaison_of(two_streets["petro"])
    need = services.create_record(
        Need,
        by=liaison,
        owner_unit=two_streets["petro"],
        committee=two_streets["beixinqiao"],
        category=Category.objects.first(),
        title="志愿者",
        quantity=2,
        contact_name="孙浩",
        contact_phone="13812345678",
    )
    services.publish_record(need, by=liaison)
    client.force_login(liaison)
    url = reverse("record_detail", kwargs={"kind": "needs", "pk": need.pk})
    withdraw = reverse("record_withdraw", kwargs={"kind": "needs", "pk": need.pk})
    assert withdraw in client.get(url).content.decode()

    Need.objects.filter(pk=need.pk).update(status=Need.Status.FULFILLED, allocated_quantity=2)

    page = client.get(url).content.decode()
    assert withdraw not in page  # the lifecycle refuses a fulfilled need's withdrawal, so no button offers it


def test_a_record_change_page_runs_a_bounded_number_of_queries(
    client, bxq_secretary, two_streets, liaison_of, django_assert_max_num_queries
):
    """The form once offered every collection request in a select list, two queries per option (found by the
    crawl: 127 queries on the demo's need pages)."""
    liaison = liaison_of(two_streets["petro"])
    round_ = services.open_collection_round(
        committee=two_streets["beixinqiao"],
        by=bxq_secretary,
        title="征集",
        opens_on="2026-01-01",
        closes_on="2026-12-31",
    )
    need = services.create_record(
        Need,
        by=liaison,
        owner_unit=two_streets["petro"],
        committee=two_streets["beixinqiao"],
        category=Category.objects.first(),
        title="志愿者",
        quantity=2,
        contact_name="孙浩",
        contact_phone="13812345678",
        collection_request=round_.requests.get(unit=two_streets["petro"]),
    )
    for _ in range(10):
        services.open_collection_round(
            committee=two_streets["beixinqiao"],
            by=bxq_secretary,
            title="再征集",
            opens_on="2026-01-01",
            closes_on="2026-12-31",
        )
    with django_assert_max_num_queries(30):
        assert client.get(reverse("admin:committees_need_change", args=[need.pk])).status_code == 200
