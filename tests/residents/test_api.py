"""The residents' API: the inbox (the community's secretaries only), surveys and the figures' residents' rate."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from committees.models import Category, Submission
from committees.services import intake
from matching.models.residents import Survey, SurveyAnswer
from matching.outcomes import figures, periods

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def inbox(place):
    return [
        intake.submit(committee=place["minan"], text=f"修楼道灯{n}", phone=f"1390000000{n}", name="王秀英")
        for n in range(3)
    ] + [intake.submit(committee=place["jiudaowan"], text="修车棚", phone="13800000000")]


def test_the_inbox_lists_only_the_communitys_submissions(
    api, place, inbox, secretary_of, django_assert_max_num_queries
):
    api.force_authenticate(secretary_of(place["minan"]))
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/resident-submissions/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert sorted(row["text"] for row in rows) == ["修楼道灯0", "修楼道灯1", "修楼道灯2"]
    assert {row["phone"] for row in rows} == {"13900000000", "13900000001", "13900000002"}


def test_a_street_secretary_sees_no_inbox_and_cannot_act(api, place, inbox, secretary_of):
    api.force_authenticate(secretary_of(place["beixinqiao"]))

    assert api.get("/api/v1/resident-submissions/").json()["results"] == []
    response = api.post(
        f"/api/v1/resident-submissions/{inbox[0].pk}/decline/", {"reason": "不归我管"}, format="json"
    )

    assert response.status_code == 404
    assert Submission.objects.get(pk=inbox[0].pk).status == "received"


def test_the_secretary_accepts_and_declines_through_the_api(api, place, inbox, secretary_of):
    api.force_authenticate(secretary_of(place["minan"]))
    base = "/api/v1/resident-submissions"

    accepted = api.post(
        f"{base}/{inbox[0].pk}/accept/",
        {"category": Category.objects.get(code="safety").pk, "title": "修复楼道灯"},
        format="json",
    )
    no_reason = api.post(f"{base}/{inbox[1].pk}/decline/", {"reason": ""}, format="json")
    twice = api.post(f"{base}/{inbox[0].pk}/decline/", {"reason": "重复"}, format="json")
    merged = api.post(f"{base}/{inbox[2].pk}/merge/", {"need": accepted.json()["need"]}, format="json")

    assert accepted.status_code == 200 and accepted.json()["stage"] == "on_list"
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    assert twice.status_code == 400
    assert merged.status_code == 200 and merged.json()["status"] == "merged"


def test_surveys_over_the_api_are_scoped_and_show_results_only(api, place, secretary_of):
    today = timezone.localdate()
    body = {
        "title": "居民满意度调查",
        "questions": ["环境是否满意？", "服务是否满意？"],
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=7)).isoformat(),
    }
    api.force_authenticate(secretary_of(place["beixinqiao"]))

    elsewhere = api.post(
        "/api/v1/resident-surveys/", {**body, "committee": place["desheng"].pk}, format="json"
    )
    created = api.post(
        "/api/v1/resident-surveys/", {**body, "committee": place["beixinqiao"].pk}, format="json"
    )
    survey = Survey.objects.get()
    SurveyAnswer.objects.create(survey=survey, scores=[5, 4], mean="4.50", created_on=today)
    listed = api.get("/api/v1/resident-surveys/").json()["results"]

    assert elsewhere.status_code == 400
    assert created.status_code == 201
    assert listed[0]["results"] == {
        "answers": 1,
        "satisfied": 1,
        "rate": 100.0,
        "questions": [
            {"question": "环境是否满意？", "mean": 5.0},
            {"question": "服务是否满意？", "mean": 4.0},
        ],
    }
    api.force_authenticate(secretary_of(place["desheng"]))
    assert api.get("/api/v1/resident-surveys/").json()["results"] == []
    assert api.get(f"/api/v1/resident-surveys/{survey.pk}/").status_code == 404


def test_the_figures_carry_the_residents_satisfaction_rate(api, place, secretary_of):
    figures.compute(periods.current())
    api.force_authenticate(secretary_of(place["beixinqiao"]))
    row = api.get("/api/v1/figures/").json()["results"][0]

    assert {"resident_ratings", "survey_answers", "resident_satisfaction_rate"} <= set(row)


def test_the_survey_list_takes_a_constant_number_of_queries(
    api, place, secretary_of, django_assert_max_num_queries
):
    secretary = secretary_of(place["beixinqiao"])
    today = timezone.localdate()
    for n in range(5):
        survey = Survey.objects.create(
            committee=place["beixinqiao"],
            title=f"调查{n}",
            questions=["一", "二"],
            opens_on=today,
            closes_on=today,
            created_by=secretary,
        )
        SurveyAnswer.objects.create(survey=survey, scores=[4, 4], mean="4.00", created_on=today)
    api.force_authenticate(secretary)

    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/resident-surveys/")

    assert len(response.json()["results"]) == 5
