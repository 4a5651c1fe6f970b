"""The secretaries' admin for residents: the inbox list (masked phones), rating codes and surveys, scoped."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import Project
from committees.services import intake
from matching.models.residents import RatingCode, RatingLink, Survey

pytestmark = pytest.mark.django_db


def test_the_inbox_list_masks_the_phone_and_shows_only_the_communitys_submissions(
    client, place, secretary_of
):
    intake.submit(committee=place["minan"], text="修楼道灯", phone="13901234567", name="王秀英")
    intake.submit(committee=place["jiudaowan"], text="修自行车棚", phone="13801234567")
    client.force_login(secretary_of(place["minan"]))

    page = client.get(reverse("admin:committees_submission_changelist")).content.decode()

    assert "修楼道灯" in page and "139****4567" in page
    assert "13901234567" not in page and "修自行车棚" not in page


def test_a_secretary_issues_a_rating_code_for_a_completed_project_of_their_committee(
    client, place, secretary_of
):
    now = timezone.now()
    mine = Project.objects.create(
        committee=place["minan"],
        title="修灯",
        starts_on=now.date(),
        ends_on=now.date(),
        status="completed",
        completed_at=now,
    )
    other = Project.objects.create(
        committee=place["liupukang"],
        title="修路",
        starts_on=now.date(),
        ends_on=now.date(),
        status="completed",
        completed_at=now,
    )
    client.force_login(secretary_of(place["minan"]))
    url = reverse("admin:matching_ratingcode_add")

    refused = client.post(url, {"project": other.pk})
    response = client.post(url, {"project": mine.pk})

    assert refused.status_code == 200  # the form shows the choice as invalid
    assert response.status_code == 302
    assert list(RatingCode.objects.values_list("project_id", flat=True)) == [mine.pk]
    assert len(RatingCode.objects.get().code) == 8


def test_a_secretary_runs_a_survey_and_reads_its_results(client, place, secretary_of):
    secretary = secretary_of(place["beixinqiao"])
    client.force_login(secretary)
    today = timezone.localdate()
    data = {
        "committee": place["beixinqiao"].pk,
        "title": "年度满意度调查",
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=14)).isoformat(),
    }

    too_few = client.post(reverse("admin:matching_survey_add"), {**data, "questions_text": "只有一个问题"})
    created = client.post(
        reverse("admin:matching_survey_add"),
        {**data, "questions_text": "您对社区环境是否满意？\n您对服务项目是否满意？"},
    )

    assert too_few.status_code == 200 and "请设置 2 至 8 个问题" in too_few.content.decode()
    assert created.status_code == 302
    survey = Survey.objects.get()
    assert survey.questions == ["您对社区环境是否满意？", "您对服务项目是否满意？"]
    page = client.get(reverse("admin:matching_survey_change", args=[survey.pk])).content.decode()
    assert survey.token in page
    client.force_login(secretary_of(place["desheng"]))
    assert client.get(reverse("admin:matching_survey_change", args=[survey.pk])).status_code in (302, 404)


def test_the_admin_issues_one_time_links_for_a_rating_code(client, place, secretary_of):
    secretary = secretary_of(place["minan"])
    now = timezone.now()
    project = Project.objects.create(
        committee=place["minan"],
        title="修灯",
        starts_on=now.date(),
        ends_on=now.date(),
        status="completed",
        completed_at=now,
    )
    code = RatingCode.objects.create(project=project, created_by=secretary)
    client.force_login(secretary)

    response = client.post(
        reverse("admin:matching_ratingcode_changelist"),
        {"action": "issue_links", "_selected_action": [code.pk]},
        follow=True,
    )

    assert RatingLink.objects.filter(project=project, used_at__isnull=True).count() == 10
    assert response.content.decode().count("?link=") == 10
