"""A matter beyond a committee goes up one level (吹哨 beyond the street goes to the district), as needs escalate:
the summons closes as passed up and the committee above holds a new one, which the lower committee still sees."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from committees.models import Notification
from config.exceptions import InvalidTransition
from matching import scoping
from matching import summons as service
from matching.models import DepartmentFigures, Summons
from matching.outcomes import figures, periods
from tests.factories import DepartmentFactory
from tests.matching import test_summons
from tests.matching.test_summons import WEDNESDAY_9AM, raise_urgent
from tests.matching.test_summons_surfaces import _close_form

pytestmark = pytest.mark.django_db
world = test_summons.world  # the same departments, people and committees


@pytest.fixture
def housing(world):
    """A district department that does not cover 北新桥 (only the district may summon it)."""
    return DepartmentFactory(name="区住建委", district=world["dongcheng"], streets=[])


def test_a_street_passes_a_matter_up_to_its_district(world, housing):
    with time_machine.travel(WEDNESDAY_9AM, tick=False):
        summons = raise_urgent(world)
        passed = service.pass_up(
            summons=summons,
            by=world["street_secretary"],
            departments=[housing],
            reason="涉及全区排水管网改造",
        )
    summons.refresh_from_db()
    assert (summons.status, summons.passed_up_to, summons.closing_note) == (
        Summons.Status.PASSED_UP,
        passed,
        "涉及全区排水管网改造",
    )
    assert (passed.committee, passed.title, passed.urgency, passed.status) == (
        world["dongcheng"],
        summons.title,
        Summons.Urgency.URGENT,
        Summons.Status.OPEN,
    )
    assert list(passed.parts.values_list("department", flat=True)) == [housing.pk]
    assert summons.history.first().history_user == world["street_secretary"]
    told = Notification.objects.filter(user=world["district_secretary"], subject_id=passed.pk)
    assert told.count() == 1 and "涉及全区排水管网改造" in told.get().message
    # The street keeps sight of the matter; the district manages it now; another street sees neither.
    assert set(scoping.summons_for(world["street_secretary"])) == {summons, passed}
    assert not scoping.manages_summons(world["street_secretary"], passed)
    assert scoping.manages_summons(world["district_secretary"], passed)
    assert not scoping.summons_for(world["other_street_secretary"]).filter(pk__in=[summons.pk, passed.pk])


def test_a_community_passes_up_to_its_street_and_a_district_has_nobody_above(world):
    with time_machine.travel(WEDNESDAY_9AM, tick=False):
        community = service.raise_summons(
            by=world["community_secretary"],
            committee=world["minan"],
            departments=[world["chengguan"]],
            title="小区门口占道经营",
            place="民安小区南门",
            category=Summons.Category.CITY,
        )
        passed = service.pass_up(
            summons=community,
            by=world["community_secretary"],
            departments=[world["traffic"]],
            reason="需交通委",
        )
        assert passed.committee == world["beixinqiao"]
        district = service.raise_summons(
            by=world["district_secretary"],
            committee=world["dongcheng"],
            departments=[world["traffic"]],
            title="全区停车治理",
            place="东城区",
            category=Summons.Category.TRAFFIC,
        )
        with pytest.raises(InvalidTransition):
            service.pass_up(
                summons=district, by=world["district_secretary"], departments=[world["traffic"]], reason="x"
            )


def test_passing_up_is_refused_to_others_without_a_reason_twice_or_to_departments_out_of_reach(
    world,
    housing,
):
    with time_machine.travel(WEDNESDAY_9AM, tick=False):
        summons = raise_urgent(world)
        with pytest.raises(PermissionDenied):
            service.pass_up(
                summons=summons, by=world["other_street_secretary"], departments=[housing], reason="x"
            )
        with pytest.raises(PermissionDenied):
            service.pass_up(summons=summons, by=world["traffic_duty"], departments=[housing], reason="x")
        with pytest.raises(ValidationError):
            service.pass_up(summons=summons, by=world["street_secretary"], departments=[housing], reason=" ")
        with pytest.raises(ValidationError):  # 德胜派出所 is 西城区's: not the district above 北新桥
            service.pass_up(
                summons=summons, by=world["street_secretary"], departments=[world["police"]], reason="越界"
            )
        assert Summons.objects.get(pk=summons.pk).status == Summons.Status.OPEN
        service.pass_up(summons=summons, by=world["street_secretary"], departments=[housing], reason="全区")
        with pytest.raises(InvalidTransition):
            service.pass_up(
                summons=summons, by=world["street_secretary"], departments=[housing], reason="再报"
            )
    assert Summons.objects.filter(committee=world["dongcheng"]).count() == 1


def test_a_passed_up_summons_is_chased_no_more_and_left_out_of_the_departments_figures(world, housing):
    with time_machine.travel(WEDNESDAY_9AM, tick=False):
        summons = raise_urgent(world)
        service.pass_up(summons=summons, by=world["street_secretary"], departments=[housing], reason="全区")
    later = WEDNESDAY_9AM.replace(hour=23)
    reminded, escalated = service.chase(now=later)
    assert (reminded, escalated) == (
        1,
        1,
    )  # the district's new summons only: 区住建委, reminded and escalated
    with time_machine.travel(later, tick=False):
        figures.compute([periods.parse("2027-03")])
    received = dict(
        DepartmentFigures.objects.filter(period="2027-03").values_list("department", "summons_received")
    )
    assert received[housing.pk] == 1 and received[world["traffic"].pk] == 0


def test_the_api_passes_up_and_answers_others_with_404(client, world, housing):
    with time_machine.travel(WEDNESDAY_9AM, tick=False):
        summons = raise_urgent(world)
    url = f"/api/v1/summonses/{summons.pk}/pass-up/"
    client.force_login(world["other_street_secretary"])
    assert (
        client.post(url, {"departments": [housing.pk], "reason": "越权"}, "application/json").status_code
        == 404
    )
    client.force_login(world["street_secretary"])
    missing = client.post(url, {"departments": [housing.pk]}, "application/json")
    assert missing.status_code == 400 and "reason" in missing.json()
    response = client.post(url, {"departments": [housing.pk], "reason": "涉及全区"}, "application/json")
    assert response.status_code == 201, response.content
    assert response.json()["committee"] == world["dongcheng"].pk
    detail = client.get(f"/api/v1/summonses/{summons.pk}/").json()
    assert detail["passed_up_to"] == response.json()["id"]


def test_the_secretary_passes_up_from_the_admin_and_must_say_why(client, world, housing):
    with time_machine.travel(WEDNESDAY_9AM, tick=False):
        summons = raise_urgent(world)
    client.force_login(world["street_secretary"])
    url = reverse("admin:matching_summons_change", args=[summons.pk])
    page = client.get(url).content.decode()
    assert "区住建委" in page  # the district's departments are offered for the district to summon

    no_reason = {
        **_close_form(summons),
        "close_as": "passed_up",
        "closing_note": "",
        "pass_up_departments": [housing.pk],
    }
    assert client.post(url, no_reason).status_code == 200
    assert Summons.objects.get(pk=summons.pk).is_open

    response = client.post(url, {**no_reason, "closing_note": "涉及全区排水管网"})
    assert response.status_code == 302, response.content.decode()[:2000]
    summons.refresh_from_db()
    assert summons.status == Summons.Status.PASSED_UP
    assert summons.passed_up_to.committee == world["dongcheng"]
