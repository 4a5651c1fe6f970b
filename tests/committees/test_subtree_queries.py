"""The index-friendly subtree tests select exactly the rows of the LIKE join they replace, alone and in an OR."""

import pytest
from django.db import connection
from django.db.models import Q

from committees import scoping
from committees.models import Membership
from config.queries import any_of
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MembershipFactory,
    MemberUnitFactory,
    StreetFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def memberships():
    dongcheng = DistrictFactory(area_code="110101", name="东城区")
    xicheng = DistrictFactory(area_code="110102", name="西城区")
    beixinqiao = StreetFactory(parent=dongcheng, area_code="110101001", name="北新桥街道")
    minan = CommunityFactory(parent=beixinqiao, area_code="110101001001", name="民安社区")
    shichahai = StreetFactory(parent=xicheng, area_code="110102001", name="什刹海街道")
    return {
        committee.name: MembershipFactory(committee=committee, unit=MemberUnitFactory())
        for committee in (dongcheng, beixinqiao, minan, shichahai)
    }


@pytest.mark.parametrize("codes", [("110101",), ("110101001",), ("110101001001", "110102"), ("1101",), ()])
def test_subtree_q_selects_the_rows_of_the_like_join(memberships, codes):
    joined = set(Membership.objects.filter(scoping.prefix_q("committee__area_code", codes)))

    assert set(Membership.objects.filter(scoping.subtree_q("committee_id", codes))) == joined


def test_subtree_q_in_an_or_adds_only_the_other_branch(memberships):
    shichahai = memberships["什刹海街道"]

    rows = Membership.objects.filter(scoping.subtree_q("committee_id", ("110101001",)) | Q(pk=shichahai.pk))

    assert {m.committee.name for m in rows} == {"北新桥街道", "民安社区", "什刹海街道"}


def test_any_of_excluded_keeps_every_other_row(memberships):
    beixinqiao = Membership.objects.filter(committee__name="北新桥街道").values("committee_id")

    rows = Membership.objects.exclude(any_of("committee_id", beixinqiao))

    assert {m.committee.name for m in rows} == {"东城区", "民安社区", "什刹海街道"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the ANY(ARRAY(...)) form is PostgreSQL's")
def test_any_of_is_an_index_condition_on_postgresql(memberships):
    sql = str(Membership.objects.filter(scoping.subtree_q("committee_id", ("110101",))).query)

    assert '"committee_id" = ANY(ARRAY(SELECT' in sql
