"""Residents judge (民事民评): rating codes, one rating per phone and project within the window, surveys answered
anonymously, and residents' satisfaction in the figures and the indicator system on a hand-built data set."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from committees.models import Project
from matching.models import CommitteeFigures, Indicator, IndicatorTree
from matching.models.residents import ResidentRating, Survey, SurveyAnswer
from matching.outcomes import figures, periods, residents, results
from tests.factories import MembershipFactory, MemberUnitFactory

pytestmark = pytest.mark.django_db


def completed_project(committee, title="楼道灯维修", completed_at=None):
    completed_at = completed_at or timezone.now()
    return Project.objects.create(
        committee=committee,
        title=title,
        starts_on=completed_at.date() - datetime.timedelta(days=10),
        ends_on=completed_at.date(),
        status=Project.Status.COMPLETED,
        completed_at=completed_at,
    )


def at(day: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day).replace(hour=hour))


def test_a_resident_rates_once_per_phone_with_the_right_code(place, secretary_of):
    project = completed_project(place["minan"])
    code = residents.issue_rating_code(project=project, by=secretary_of(place["minan"])).code

    residents.rate(project=project, code=code.lower(), phone="139 0123 4567", score=5, comment="修得很快")
    with pytest.raises(ValidationError) as again:
        residents.rate(project=project, code=code, phone="+86 13901234567", score=1)
    with pytest.raises(ValidationError) as wrong_code:
        residents.rate(project=project, code="AAAAAAAA", phone="13700000000", score=1)

    assert "该手机号已评价过此项目" in str(again.value)
    assert "评价码与该项目不符" in str(wrong_code.value)
    assert list(ResidentRating.objects.values_list("score", flat=True)) == [5]
    assert "13901234567" not in ResidentRating.objects.get().phone_hash


def test_ratings_are_refused_outside_the_evaluation_window(place, secretary_of):
    secretary = secretary_of(place["minan"])
    project = completed_project(place["minan"], completed_at=timezone.now() - datetime.timedelta(days=15))
    code = residents.issue_rating_code(project=project, by=secretary).code
    under_way = Project.objects.create(
        committee=place["minan"],
        title="加装扶手",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 1, 1),
    )

    with pytest.raises(ValidationError) as closed:
        residents.rate(project=project, code=code, phone="13901234567", score=4)
    with pytest.raises(ValidationError):
        residents.issue_rating_code(project=under_way, by=secretary)

    assert "评价期已结束" in str(closed.value)
    assert not ResidentRating.objects.exists()


def test_only_the_committees_secretaries_issue_rating_codes(place, secretary_of):
    project = completed_project(place["minan"])

    with pytest.raises(PermissionDenied):
        residents.issue_rating_code(project=project, by=secretary_of(place["liupukang"]))
    assert (
        residents.issue_rating_code(project=project, by=secretary_of(place["beixinqiao"])).project == project
    )


def test_the_public_page_shows_the_new_rate_at_once(client, place, secretary_of):
    project = completed_project(place["minan"])
    code = residents.issue_rating_code(project=project, by=secretary_of(place["minan"])).code
    notice = reverse("public_notice", args=[place["minan"].area_code])
    street_notice = reverse("public_notice", args=[place["beixinqiao"].area_code])
    assert "<strong>5.0</strong>" not in client.get(notice).content.decode()  # now cached
    client.get(street_notice)

    response = client.post(
        reverse("resident_rate", args=[project.pk]),
        {"score": 5, "phone": "13901234567", "code": code, "comment": ""},
    )
    again = client.post(
        reverse("resident_rate", args=[project.pk]), {"score": 1, "phone": "13901234567", "code": code}
    )

    assert response.status_code == 302
    assert again.status_code == 400 and "该手机号已评价过此项目" in again.content.decode()
    for url in (notice, street_notice):
        page = client.get(url).content.decode()
        assert "<strong>5.0</strong> / 5 (1 人评价)" in page


def test_a_survey_answer_is_anonymous_and_counted_once_per_browser(client, place, secretary_of):
    today = timezone.localdate()
    survey = residents.create_survey(
        by=secretary_of(place["beixinqiao"]),
        committee=place["beixinqiao"],
        title="2026年居民满意度调查",
        questions=["您对社区环境是否满意？", "您对为民服务项目是否满意？", "您对办事效率是否满意？"],
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
    )
    url = reverse("resident_survey", args=[survey.token])

    first = client.post(url, {"q0": 5, "q1": 4, "q2": 3}, REMOTE_ADDR="10.1.2.3")
    second = client.post(url, {"q0": 1, "q1": 1, "q2": 1}, REMOTE_ADDR="10.1.2.3")

    answer = SurveyAnswer.objects.get()
    assert (first.status_code, second.status_code) == (302, 200)
    assert {field.name for field in SurveyAnswer._meta.concrete_fields} == {
        "id",
        "survey",
        "scores",
        "mean",
        "created_on",
    }
    assert (answer.scores, answer.mean, answer.created_on) == ([5, 4, 3], Decimal("4.00"), today)
    assert residents.survey_results(survey)["rate"] == 100.0


def test_surveys_are_run_by_a_secretary_of_the_committee_with_a_handful_of_questions(place, secretary_of):
    today = timezone.localdate()
    fields = {"title": "调查", "opens_on": today, "closes_on": today, "committee": place["beixinqiao"]}

    with pytest.raises(PermissionDenied):
        residents.create_survey(by=secretary_of(place["desheng"]), questions=["一", "二"], **fields)
    with pytest.raises(ValidationError):
        residents.create_survey(by=secretary_of(place["beixinqiao"]), questions=["只有一个问题"], **fields)
    assert not Survey.objects.exists()


def test_residents_satisfaction_on_a_hand_built_data_set(place, secretary_of):
    """民安: ratings 5, 4, 2 in March 2025 (and a 5 in December 2024, another year); 九道湾: a 3 in May;
    北新桥街道's survey: answers averaging 4.5, 3.0 and 4.0 in June; 德胜街道's survey: one answer of 5.
    Expected 2025: 民安 2/3 = 66.67%; 北新桥 (2 + 2) / (4 + 3) = 57.14%; 东城区 the same; 德胜 1/1 = 100%."""
    secretary = secretary_of(place["beixinqiao"])
    minan = completed_project(place["minan"], completed_at=at("2025-03-01"))
    jiudaowan = completed_project(place["jiudaowan"], completed_at=at("2025-05-01"))
    for n, (project, score, day) in enumerate(
        [
            (minan, 5, "2025-03-05"),
            (minan, 4, "2025-03-06"),
            (minan, 2, "2025-03-07"),
            (minan, 5, "2024-12-20"),
            (jiudaowan, 3, "2025-05-03"),
        ]
    ):
        rating = ResidentRating.objects.create(project=project, phone_hash=f"h{n}", score=score)
        ResidentRating.objects.filter(pk=rating.pk).update(created_at=at(day))
    street_survey = Survey.objects.create(
        committee=place["beixinqiao"],
        title="满意度",
        questions=["a", "b"],
        opens_on=datetime.date(2025, 6, 1),
        closes_on=datetime.date(2025, 6, 30),
        created_by=secretary,
    )
    for mean in ("4.5", "3.0", "4.0"):
        SurveyAnswer.objects.create(
            survey=street_survey, scores=[4, 5], mean=Decimal(mean), created_on=datetime.date(2025, 6, 10)
        )
    other_survey = Survey.objects.create(
        committee=place["desheng"],
        title="满意度",
        questions=["a", "b"],
        opens_on=datetime.date(2025, 6, 1),
        closes_on=datetime.date(2025, 6, 30),
        created_by=secretary,
    )
    SurveyAnswer.objects.create(
        survey=other_survey, scores=[5, 5], mean=Decimal("5.00"), created_on=datetime.date(2025, 6, 2)
    )

    figures.compute(periods.year_with_months(2025))

    def row(name, period="2025"):
        return CommitteeFigures.objects.get(committee=place[name], period=period)

    assert (row("minan").resident_ratings, row("minan").resident_ratings_satisfied) == (3, 2)
    assert row("minan").resident_satisfaction_rate == 66.67
    street = row("beixinqiao")
    assert (
        street.resident_ratings,
        street.resident_ratings_satisfied,
        street.survey_answers,
        street.survey_answers_satisfied,
    ) == (4, 2, 3, 2)
    assert street.resident_satisfaction_rate == 57.14
    assert row("dongcheng").resident_satisfaction_rate == 57.14
    assert row("desheng").resident_satisfaction_rate == 100.0
    assert row("beixinqiao", "2025-06").resident_satisfaction_rate == 66.67
    assert row("minan", "2025-03").resident_satisfaction_rate == 66.67
    assert (street.ratings, street.satisfaction_rate) == (0, None)  # the units' ratings are kept apart

    unit = MembershipFactory(committee=place["beixinqiao"], unit=MemberUnitFactory()).unit
    tree = IndicatorTree.objects.create(committee=place["beixinqiao"], year=2025, title="2025年度考核")
    Indicator.objects.create(tree=tree, name="居民满意度", kind="automatic", metric="residents", weight=1)
    ranking = results.unit_ranking(place["beixinqiao"], periods.parse("2025"))
    assert [(r["unit_id"], r["indicator_total"]) for r in ranking] == [(unit.pk, 57.14)]
    report = results.report(place["beixinqiao"], periods.parse("2025"))
    assert report["figures"]["resident_satisfaction_rate"] == 57.14


def test_a_one_time_link_admits_one_rating_of_its_own_project(client, place, secretary_of):
    secretary = secretary_of(place["minan"])
    project = completed_project(place["minan"])
    other = completed_project(place["minan"], title="加装扶手")
    first, second = residents.issue_rating_links(project=project, by=secretary, count=2)

    response = client.post(
        reverse("resident_rate", args=[project.pk]) + f"?link={first.token}",
        {"score": 4, "phone": "13901234567", "link": first.token},
    )
    with pytest.raises(ValidationError) as used:
        residents.rate(project=project, link=first.token, phone="13700000000", score=5)
    with pytest.raises(ValidationError) as elsewhere:
        residents.rate(project=other, link=second.token, phone="13700000000", score=5)
    with pytest.raises(PermissionDenied):
        residents.issue_rating_links(project=project, by=secretary_of(place["liupukang"]), count=1)

    assert response.status_code == 302
    assert "已使用过或无效" in str(used.value) and "已使用过或无效" in str(elsewhere.value)
    assert list(ResidentRating.objects.values_list("project_id", "score")) == [(project.pk, 4)]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.used_at is not None and second.used_at is None
