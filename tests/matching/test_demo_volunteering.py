"""The 双报到 demo: loads once (a second run changes nothing), fast, and its logins see what the tour says."""

import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from committees.demo_data import DEMO_PASSWORD
from committees.models import MemberReport, OrganisationReport, Resource
from matching.models import CommitteeFigures, CommunityTask, SignUp

pytestmark = pytest.mark.django_db


def counts():
    return (
        MemberReport.objects.count(),
        OrganisationReport.objects.count(),
        CommunityTask.objects.count(),
        SignUp.objects.count(),
    )


def test_the_demo_loads_once_and_its_logins_work(client):
    call_command("load_demo", verbosity=0)
    started = time.monotonic()
    call_command("load_demo_outcomes", verbosity=0)
    first = counts()
    took = time.monotonic() - started
    call_command("load_demo_outcomes", verbosity=0)
    assert counts() == first
    members, organisations, tasks, sign_ups = first
    assert 300 <= members <= 400 and organisations > 0 and tasks >= 6 * 52 and sign_ups > 1000
    assert Resource.objects.filter(commitment__isnull=False).count() == organisations
    assert took < 120
    street = CommitteeFigures.objects.filter(committee__area_code="110101005", members_active__gt=0)
    assert street.exists() and street.first().service_hours > 0

    assert (
        client.post(reverse("login"), {"username": "member_wang", "password": DEMO_PASSWORD}).status_code
        == 302
    )
    home = client.get(reverse("members_home")).content.decode()
    assert "王建军" in home and "民安社区" in home
    assert client.get(reverse("members_tasks")).status_code == 200
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "liaison_hospital", "password": DEMO_PASSWORD})
    unit_page = client.get(reverse("members_unit")).content.decode()
    assert "王建军" in unit_page and "北新桥三条8号院" not in unit_page
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "minan_secretary", "password": DEMO_PASSWORD})
    assert client.get(reverse("admin:committees_memberreport_changelist")).status_code == 200
    other = CommunityTask.objects.exclude(community__area_code="110101005001").first()
    assert client.get(reverse("admin:matching_communitytask_change", args=[other.pk])).status_code in (
        302,
        404,
    )
