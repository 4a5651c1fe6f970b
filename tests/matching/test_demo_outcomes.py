"""The demo's outcomes: a rated project, a late one, an indicator system and last month's published results."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from committees.demo_data import DEMO_PASSWORD
from committees.models import Project, User
from matching import explain, scoring
from matching.models import CommitteeFigures, Evaluation, IndicatorScore, Proposal, Publication

pytestmark = pytest.mark.django_db


def counts():
    return (
        Project.objects.count(),
        Evaluation.objects.count(),
        IndicatorScore.objects.count(),
        Publication.objects.count(),
    )


def test_the_demo_outcomes_load_once_and_show_results(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo_outcomes", verbosity=0)
    first = counts()
    call_command("load_demo_outcomes", verbosity=0)
    assert counts() == first == (2, 2, 2, 1)
    completed = Project.objects.get(status=Project.Status.COMPLETED)
    assert sorted(completed.evaluations.values_list("side", "score")) == [("need", 5), ("provider", 4)]
    publication = Publication.objects.get()
    assert publication.snapshot["figures"]["satisfaction_rate"] == 100.0
    assert publication.snapshot["units"][0]["unit"] == "北京市东城区第一人民医院"
    assert CommitteeFigures.objects.filter(committee=publication.committee).exists()
    login = client.post(reverse("login"), {"username": "liaison_eldercare", "password": DEMO_PASSWORD})
    assert login.status_code == 302
    page = client.get(f"/results/{publication.committee_id}/{publication.period}/")
    assert page.status_code == 200 and "北京市东城区第一人民医院" in page.content.decode()


def test_the_demos_proposals_carry_the_matchers_score_parts_and_open_everywhere(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo_outcomes", verbosity=0)
    proposals = list(Proposal.objects.all())
    assert len(proposals) == 2
    for proposal in proposals:
        assert set(proposal.score_parts) == set(scoring.PARTS)
        assert proposal.score == pytest.approx(float(scoring.total_score(proposal.score_parts)), abs=1e-3)
        assert explain.reasons(proposal)  # no KeyError: every part is there
    client.force_login(User.objects.get(username="bxq_secretary"))
    assert client.get("/api/v1/proposals/").status_code == 200
    for proposal in proposals:
        assert client.get(reverse("admin:matching_proposal_change", args=[proposal.pk])).status_code == 200
    client.force_login(User.objects.get(username="liaison_hospital"))
    hospital = Proposal.objects.get(provider_unit__name="北京市东城区第一人民医院")
    assert client.get(reverse("proposal_answer", args=[hospital.pk])).status_code == 200
