"""The demo year (matching/management/demo_year.py): non-trivial figures, idempotent, fast enough for make demo."""

import time

import pytest
from django.core.management import call_command

from committees.models import Need, Notification, Project, User
from config.todo import todos_for
from matching.models import CommitteeFigures, Evaluation, MatchingRun, Proposal

pytestmark = pytest.mark.django_db


def test_the_demo_year_meets_the_acceptance_figures_once():
    call_command("load_demo", verbosity=0)
    call_command("load_demo_outcomes", verbosity=0)
    started = time.perf_counter()
    call_command("load_demo_year", verbosity=0)
    seconds = time.perf_counter() - started
    from committees.models import Committee
    from matching.management import demo_year

    street = Committee.objects.get(area_code="110101005")
    reached = demo_year.figures_of(street)
    print(reached, f"{seconds:.1f} s")
    assert reached["months"] >= 10
    assert reached["units_completed"] >= 20
    for rate in ("response", "resolution", "satisfaction"):
        assert 20 <= reached[rate] <= 95, (rate, reached)
    assert 200 <= reached["needs"] <= 500
    assert seconds < 60  # a few seconds on a normal machine; generous on a shared test box
    # Late and carried-over projects, ratings both ways, declined proposals, runs with counts.
    assert Project.objects.late().exists()
    assert Project.objects.filter(status=Project.Status.CARRIED_OVER).exists()
    assert (
        Evaluation.objects.filter(side="provider").exists()
        and Evaluation.objects.filter(side="need").exists()
    )
    assert Proposal.objects.filter(status=Proposal.Status.DECLINED).exists()
    assert MatchingRun.objects.filter(counts__proposals__gt=0).count() >= 10
    # The monthly figures of the street show activity in at least ten months.
    months = CommitteeFigures.objects.filter(
        committee=street, period__regex=r"^\d{4}-\d{2}$", needs_raised__gt=0
    )
    assert months.count() >= 10
    from django.utils import timezone

    from matching.outcomes import results

    year = results.figures_dict(
        CommitteeFigures.objects.get(committee=street, period=str(timezone.localdate().year))
    )
    print(year)
    if timezone.localdate().month >= 4:  # early in a year its own row holds a few weeks only
        for rate in ("response_rate", "resolution_rate", "satisfaction_rate"):
            assert 20 <= year[rate] <= 95, (rate, year)

    # The demo liaisons open their phones to something to do.
    secretary = User.objects.get(username="bxq_secretary")
    assert [item for item in todos_for(secretary) if item.kind == "topics"]  # ready to decide
    hospital = User.objects.get(username="liaison_hospital")
    assert [item for item in todos_for(hospital) if item.kind == "proposals"]
    assert Notification.objects.filter(user=hospital, done_at__isnull=True).exists()

    counts = (
        Need.objects.count(),
        Proposal.objects.count(),
        Project.objects.count(),
        Evaluation.objects.count(),
    )
    call_command("load_demo_year", verbosity=0)
    assert (
        Need.objects.count(),
        Proposal.objects.count(),
        Project.objects.count(),
        Evaluation.objects.count(),
    ) == counts
