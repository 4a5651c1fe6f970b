"""The REST API for what follows confirmation: progress, milestones, completion, carry-over, evaluations,
figures and publications, with the same scoping as the pages; refused requests change nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from committees.models import Project
from matching.models import Evaluation, Milestone, ProjectUpdate, Publication
from matching.outcomes import projects
from tests import images

pytestmark = pytest.mark.django_db
PNG = images.png()  # a real image: photos are decoded and re-encoded


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_both_sides_report_progress_and_a_stranger_cannot(project, people):
    response = api(people["need"]).post(
        "/api/v1/project-updates/", {"project": project.pk, "text": "场地已落实"}
    )
    assert response.status_code == 201, response.content
    refused = api(people["stranger"]).post(
        "/api/v1/project-updates/", {"project": project.pk, "text": "冒名"}
    )
    assert refused.status_code == 400 and "project" in refused.json()
    assert list(ProjectUpdate.objects.values_list("text", flat=True)) == ["场地已落实"]
    assert api(people["stranger"]).get("/api/v1/project-updates/").json()["count"] == 0
    assert api(people["provider"]).get("/api/v1/project-updates/").json()["count"] == 1


def test_a_photo_is_uploaded_multipart_and_checked(project, people):
    client = api(people["provider"])
    bad = SimpleUploadedFile("x.png", b"GIF89a not allowed")
    response = client.post(
        "/api/v1/project-updates/", {"project": project.pk, "text": "照片", "photo": bad}, format="multipart"
    )
    assert response.status_code == 400 and "photo" in response.json()
    good = SimpleUploadedFile("x.png", PNG)
    response = client.post(
        "/api/v1/project-updates/", {"project": project.pk, "text": "照片", "photo": good}, format="multipart"
    )
    assert response.status_code == 201 and response.json()["photo_url"].endswith("/photo/")


def test_only_the_lead_adds_milestones_marks_them_and_completes(project, people):
    body = {"project": project.pk, "title": "入户体检", "due_on": "2026-12-20"}
    assert api(people["need"]).post("/api/v1/milestones/", body).status_code == 403
    created = api(people["provider"]).post("/api/v1/milestones/", body)
    assert created.status_code == 201
    milestone_id = created.json()["id"]
    early = api(people["provider"]).post(f"/api/v1/projects/{project.pk}/complete/")
    assert early.status_code == 400  # a milestone is open
    assert api(people["need"]).post(f"/api/v1/milestones/{milestone_id}/done/").status_code == 403
    assert api(people["provider"]).post(f"/api/v1/milestones/{milestone_id}/done/").status_code == 200
    assert Milestone.objects.get().done_at is not None
    assert api(people["need"]).post(f"/api/v1/projects/{project.pk}/complete/").status_code == 403
    done = api(people["provider"]).post(f"/api/v1/projects/{project.pk}/complete/")
    assert done.status_code == 200 and done.json()["status"] == "completed"


def test_a_project_outside_the_scope_is_404_for_its_actions(project, people):
    assert api(people["other_secretary"]).post(f"/api/v1/projects/{project.pk}/complete/").status_code == 404
    body = {"reason": "延期", "new_end": "2027-06-30"}
    assert api(people["stranger"]).post(f"/api/v1/projects/{project.pk}/carry-over/", body).status_code == 404
    project.refresh_from_db()
    assert project.status == Project.Status.PLANNED


def test_carry_over_needs_a_reason_and_a_later_date(project, people):
    client = api(people["provider"])
    response = client.post(
        f"/api/v1/projects/{project.pk}/carry-over/", {"reason": "", "new_end": "2020-01-01"}
    )
    assert response.status_code == 400 and "reason" in response.json()
    new_end = project.ends_on + datetime.timedelta(days=30)
    response = client.post(
        f"/api/v1/projects/{project.pk}/carry-over/", {"reason": "天气原因", "new_end": str(new_end)}
    )
    assert response.status_code == 200 and response.json()["ends_on"] == str(new_end)


def test_evaluations_are_hidden_from_the_other_side_until_both_are_in(project, people):
    projects.complete_project(project=project, by=people["provider"])
    need_api, provider_api = api(people["need"]), api(people["provider"])
    assert (
        need_api.post(
            "/api/v1/evaluations/", {"project": project.pk, "side": "provider", "score": 5}
        ).status_code
        == 403
    )
    assert (
        need_api.post("/api/v1/evaluations/", {"project": project.pk, "side": "need", "score": 9}).status_code
        == 400
    )
    assert (
        need_api.post("/api/v1/evaluations/", {"project": project.pk, "side": "need", "score": 5}).status_code
        == 201
    )
    assert provider_api.get("/api/v1/evaluations/").json()["count"] == 0
    assert need_api.get("/api/v1/evaluations/").json()["count"] == 1
    assert (
        provider_api.post(
            "/api/v1/evaluations/", {"project": project.pk, "side": "provider", "score": 4}
        ).status_code
        == 201
    )
    assert provider_api.get("/api/v1/evaluations/").json()["count"] == 2
    assert api(people["stranger"]).get("/api/v1/evaluations/").json()["count"] == 0
    again = need_api.post("/api/v1/evaluations/", {"project": project.pk, "side": "need", "score": 1})
    assert again.status_code == 400
    assert sorted(Evaluation.objects.values_list("score", flat=True)) == [4, 5]


def test_figures_are_read_by_the_subtree_and_published_periods_by_members(city, secretary_of, liaison_of):
    street = city["beixinqiao"]
    secretary = secretary_of(street)
    rows = (
        api(secretary).get("/api/v1/figures/", {"committee": street.pk, "period": "2025"}).json()["results"]
    )
    assert rows[0]["resolution_rate"] == 25.0 and rows[0]["needs_raised"] == 4
    member = liaison_of(city["hospital"])
    assert api(member).get("/api/v1/figures/", {"committee": street.pk}).json()["count"] == 0
    response = api(secretary).post("/api/v1/publications/", {"committee": street.pk, "period": "2025"})
    assert response.status_code == 201 and response.json()["snapshot"]["figures"]["response_rate"] == 50.0
    visible = api(member).get("/api/v1/figures/", {"committee": street.pk}).json()
    assert [row["period"] for row in visible["results"]] == ["2025"]
    assert api(member).get("/api/v1/publications/").json()["count"] == 1


def test_publishing_is_refused_for_another_committee_a_bad_period_or_an_open_one(city, secretary_of):
    secretary = secretary_of(city["beixinqiao"])
    client = api(secretary)
    assert (
        client.post("/api/v1/publications/", {"committee": city["desheng"].pk, "period": "2025"}).status_code
        == 400
    )
    bad = client.post("/api/v1/publications/", {"committee": city["beixinqiao"].pk, "period": "2025-13"})
    assert bad.status_code == 400 and "period" in bad.json()
    future = client.post("/api/v1/publications/", {"committee": city["beixinqiao"].pk, "period": "2099"})
    assert future.status_code == 400
    assert not Publication.objects.exists()


def test_list_queries_do_not_grow_with_the_page(city, secretary_of, django_assert_max_num_queries):
    """Every outcome list holds more rows than a small page: the queries are the same at 5 and at 100 rows."""
    secretary = secretary_of(city["dongcheng"])
    project = Project.objects.filter(committee=city["minan"]).first()
    for n in range(8):
        ProjectUpdate.objects.create(project=project, text=f"进展{n}", created_by=secretary)
        Milestone.objects.create(project=project, title=f"阶段{n}", due_on=datetime.date(2025, 6, n + 1))
    for committee in (
        city["dongcheng"],
        city["beixinqiao"],
        city["jianguomen"],
        city["minan"],
        city["jiudaowan"],
        city["zhaojialou"],
    ):
        Publication.objects.create(committee=committee, period="2025", snapshot={}, published_by=secretary)
    client = api(secretary)
    for endpoint in (
        "/api/v1/figures/",
        "/api/v1/evaluations/",
        "/api/v1/project-updates/",
        "/api/v1/milestones/",
        "/api/v1/publications/",
    ):
        with django_assert_max_num_queries(12) as small:
            assert len(client.get(endpoint, {"page_size": 2}).json()["results"]) == 2
        with django_assert_max_num_queries(len(small.captured_queries)):
            page = client.get(endpoint, {"page_size": 100}).json()
        assert len(page["results"]) > 2, endpoint
