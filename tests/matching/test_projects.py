"""Project progress and two-way evaluation, through the project page and the services it calls: who may do
what, what each side sees, and that refused actions change nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from committees.models import Notification, Project
from matching.models import CarryOver, Evaluation, Milestone, ProjectUpdate
from matching.outcomes import evaluation, projects
from tests import images

pytestmark = pytest.mark.django_db

PNG = images.png()  # a real image: photos are decoded and re-encoded


def page(client, user, project):
    client.force_login(user)
    return client.get(reverse("project_detail", args=[project.pk]))


def post(client, user, project, **data):
    client.force_login(user)
    return client.post(reverse("project_detail", args=[project.pk]), data)


def test_both_sides_and_the_secretary_see_the_project_page(client, project, people):
    for role in ("need", "provider", "secretary"):
        assert page(client, people[role], project).status_code == 200


def test_a_unit_not_in_the_project_and_another_streets_secretary_get_404(client, project, people):
    for role in ("stranger", "other_secretary"):
        assert page(client, people[role], project).status_code == 404
        response = post(client, people[role], project, action="progress", text="我来汇报")
        assert response.status_code == 404
    assert not ProjectUpdate.objects.exists()


def test_a_progress_report_with_a_photo_starts_the_project_and_tells_the_other_side(client, project, people):
    photo = SimpleUploadedFile("site.png", PNG, content_type="image/png")
    client.force_login(people["need"])
    response = client.post(
        reverse("project_detail", args=[project.pk]),
        {"action": "progress", "text": "已预约体检场地", "photo": photo},
    )
    assert response.status_code == 302
    update = ProjectUpdate.objects.get()
    assert (update.text, update.unit_id) == ("已预约体检场地", project.allocations.get().need.owner_unit_id)
    project.refresh_from_db()
    assert project.status == Project.Status.IN_PROGRESS
    assert Notification.objects.filter(user=people["provider"], message__contains=project.title).exists()
    assert client.get(reverse("project_update_photo", args=[update.pk])).status_code == 200


def test_a_photo_that_is_not_an_image_or_too_large_is_refused_in_chinese(client, project, people):
    client.force_login(people["need"])
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = client.post(
        reverse("project_detail", args=[project.pk]), {"action": "progress", "text": "x", "photo": fake}
    )
    assert response.status_code == 200
    assert "只接受 JPEG 或 PNG 格式的照片" in response.content.decode()
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024), content_type="image/png")
    response = client.post(
        reverse("project_detail", args=[project.pk]), {"action": "progress", "text": "x", "photo": big}
    )
    assert "最多接受 5 MB" in response.content.decode()
    assert not ProjectUpdate.objects.exists()


def test_a_stranger_cannot_see_a_projects_photo(client, project, people):
    projects.post_update(
        project=project, by=people["need"], text="照片", photo=SimpleUploadedFile("a.png", PNG)
    )
    update = ProjectUpdate.objects.get()
    client.force_login(people["stranger"])
    assert client.get(reverse("project_update_photo", args=[update.pk])).status_code == 404


def test_only_the_lead_unit_or_secretary_marks_milestones_and_completion(client, project, people):
    post(client, people["need"], project, action="milestone", title="入户体检", due_on="2026-12-01")
    assert not Milestone.objects.exists()  # the need side does not lead: the form is not even offered
    post(client, people["provider"], project, action="milestone", title="入户体检", due_on="2026-12-01")
    milestone = Milestone.objects.get()
    response = post(client, people["provider"], project, action="complete", confirm="on")
    assert "1 个里程碑尚未完成" in response.content.decode()
    post(client, people["provider"], project, action="milestone_done", milestone=milestone.pk)
    post(client, people["provider"], project, action="complete", confirm="on")
    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED and project.completed_at is not None


def test_the_need_side_cannot_complete_the_project(project, people):
    with pytest.raises(Exception) as error:
        projects.complete_project(project=project, by=people["need"])
    assert error.type.__name__ == "PermissionDenied"
    project.refresh_from_db()
    assert project.status == Project.Status.PLANNED


def test_completing_needs_the_confirmation_box(client, project, people):
    response = post(client, people["provider"], project, action="complete")
    assert "勾选" in response.content.decode()
    project.refresh_from_db()
    assert project.status == Project.Status.PLANNED


def test_an_unfinished_project_is_carried_over_with_a_reason_and_a_later_date(client, project, people):
    old_end = project.ends_on
    response = post(client, people["provider"], project, action="carry_over", reason="", new_end=str(old_end))
    assert response.status_code == 200 and not CarryOver.objects.exists()
    new_end = old_end + datetime.timedelta(days=30)
    post(
        client, people["provider"], project, action="carry_over", reason="天气原因延期", new_end=str(new_end)
    )
    project.refresh_from_db()
    assert (project.status, project.ends_on) == (Project.Status.CARRIED_OVER, new_end)
    row = CarryOver.objects.get()
    assert (row.previous_end, row.new_end, row.reason) == (old_end, new_end, "天气原因延期")


def test_a_late_project_is_listed_and_its_lead_and_secretary_are_reminded(project, people):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Project.objects.filter(pk=project.pk).update(
        starts_on=yesterday - datetime.timedelta(days=30), ends_on=yesterday
    )
    assert list(projects.late(Project.objects.all())) == [project]
    assert projects.remind_late_projects() == 2
    reminded = set(Notification.objects.filter(message__contains="结转").values_list("user_id", flat=True))
    assert reminded == {people["provider"].pk, people["secretary"].pk}
    # The next day nobody is reminded again; a week later they are.
    assert projects.remind_late_projects(timezone.localdate() + datetime.timedelta(days=1)) == 0
    assert projects.remind_late_projects(timezone.localdate() + datetime.timedelta(days=7)) == 2


@pytest.fixture
def completed(project, people):
    projects.complete_project(project=project, by=people["provider"])
    project.refresh_from_db()
    return project


def test_completion_invites_both_sides_to_evaluate(completed, people):
    for role in ("need", "provider"):
        assert Notification.objects.filter(user=people[role], message__contains="评价").exists()


def test_each_side_sees_the_others_rating_only_when_both_are_in(client, completed, people):
    post(client, people["need"], completed, action="evaluate", side="need", score="5", comment="服务很好")
    provider_view = page(client, people["provider"], completed).content.decode()
    assert "服务很好" not in provider_view
    assert "服务很好" in page(client, people["need"], completed).content.decode()
    post(
        client,
        people["provider"],
        completed,
        action="evaluate",
        side="provider",
        score="4",
        comment="配合积极",
    )
    provider_view = page(client, people["provider"], completed).content.decode()
    assert "服务很好" in provider_view and "配合积极" in provider_view
    assert Evaluation.objects.filter(revealed_at__isnull=False).count() == 2


def test_a_closed_window_reveals_a_lone_rating_and_refuses_new_ones(completed, people):
    evaluation.submit(project=completed, by=people["need"], side="need", score=2, comment="迟到")
    later = timezone.now() + datetime.timedelta(days=evaluation.window_days() + 1)
    assert evaluation.reveal_closed_windows(later) == 1
    with pytest.raises(Exception) as error:
        Project.objects.filter(pk=completed.pk).update(
            completed_at=timezone.now() - datetime.timedelta(days=30)
        )
        evaluation.submit(project=completed, by=people["provider"], side="provider", score=5)
    assert "评价" in str(error.value)
    assert Evaluation.objects.count() == 1


def test_a_side_rates_once_and_only_its_own_side(completed, people):
    evaluation.submit(project=completed, by=people["need"], side="need", score=4)
    with pytest.raises(Exception) as error:
        evaluation.submit(project=completed, by=people["need"], side="need", score=1)
    assert "已经评价" in str(error.value)
    with pytest.raises(Exception) as error:
        evaluation.submit(project=completed, by=people["need"], side="provider", score=1)
    assert error.type.__name__ == "PermissionDenied"
    assert list(Evaluation.objects.values_list("side", "score")) == [("need", 4)]


def test_a_rating_outside_1_to_5_is_a_form_error(client, completed, people):
    response = post(client, people["need"], completed, action="evaluate", side="need", score="9")
    assert response.status_code == 200
    assert not Evaluation.objects.exists()


def test_the_reminder_job_asks_only_the_side_still_to_rate(completed, people):
    evaluation.submit(project=completed, by=people["need"], side="need", score=5)
    Notification.objects.all().delete()
    assert evaluation.remind_missing() >= 1
    asked = set(Notification.objects.values_list("user_id", flat=True))
    assert people["provider"].pk in asked and people["need"].pk not in asked


def test_the_project_page_runs_a_bounded_number_of_queries(
    client, completed, people, django_assert_max_num_queries
):
    for n in range(15):
        projects_update = ProjectUpdate(project=completed, text=f"进展{n}", created_by=people["need"])
        projects_update.save()
    client.force_login(people["need"])
    with django_assert_max_num_queries(30):
        assert client.get(reverse("project_detail", args=[completed.pk])).status_code == 200


def test_the_project_list_shows_the_units_projects_only(client, project, people):
    client.force_login(people["stranger"])
    assert project.title not in client.get(reverse("project_list")).content.decode()
    client.force_login(people["need"])
    assert project.title in client.get(reverse("project_list")).content.decode()
