"""Every public page (公示, intake, follow-up, rating, survey) rendered on a factory-built world: no phone number and
none of the values the masks hide (contact names, residents' names, places and words) ever appear."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import Category, Committee, MemberUnit, Need, Resource, Submission, User
from committees.services import intake
from matching.models import Publication
from matching.models.residents import Survey
from matching.outcomes import projects, residents, results
from matching.outcomes.periods import parse
from tests.matching.conftest import area, project, publish  # noqa: F401  (the matching tests' world)

pytestmark = pytest.mark.django_db

# Bounded by anything but letters and digits, so that a CAPTCHA's hex key is not taken for a phone number.
PHONE = re.compile(r"(?<![0-9A-Za-z])(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?![0-9A-Za-z])")
# What an accepted submission without a name gets as its contact: a word, not a person's name.
NOT_PERSONAL = {"居民", "Resident"}


def personal_values() -> set[str]:
    values = set()
    for model in (Need, Resource, MemberUnit):
        for name, phone in model.objects.values_list("contact_name", "contact_phone"):
            values.update((name, phone))
    for name, phone, place, text in Submission.objects.values_list("name", "phone", "place", "text"):
        values.update((name, phone, place, text[:20]))
    values.update(User.objects.exclude(phone="").values_list("phone", flat=True))
    values.update(User.objects.exclude(last_name="").values_list("last_name", flat=True))
    return {value for value in values if value and len(value) >= 2 and value not in NOT_PERSONAL}


def public_urls() -> list[str]:
    urls = []
    for committee in Committee.objects.exclude(level="district"):
        urls.append(reverse("public_notice", args=[committee.area_code]))
        if committee.level == "community":
            urls.append(reverse("resident_intake", args=[committee.area_code]))
    urls += [
        reverse("resident_follow_up", args=[token])
        for token in Submission.objects.values_list("token", flat=True)
    ]
    urls += [reverse("resident_rate", args=[pk]) for pk in residents.public_project_ids()]
    urls += [
        reverse("resident_survey", args=[token]) for token in Survey.objects.values_list("token", flat=True)
    ]
    return urls


def assert_no_personal_data(client, urls):
    secrets = personal_values()
    assert secrets, "the world must hold personal data for the check to mean anything"
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert PHONE.findall(page) == [], url
        assert [value for value in secrets if value in page] == [], url


@pytest.fixture
def world(area, project, superuser, secretary_of, client):  # noqa: F811
    """A completed project in 北新桥街道 rated by a resident, published 2025 results, an open survey, and three
    submissions to 民安社区: accepted, declined, waiting."""
    minan = area["minan"]
    secretary = secretary_of(minan)
    project = projects.complete_project(project=project, by=superuser)  # noqa: F811
    code = residents.issue_rating_code(project=project, by=superuser).code
    residents.rate(project=project, code=code, phone="13911112222", score=4, comment="王大爷说很满意")
    results.publish(committee=area["beixinqiao"], period=parse("2025"), by=superuser)
    today = timezone.localdate()
    residents.create_survey(
        by=superuser,
        committee=area["beixinqiao"],
        title="居民满意度调查",
        questions=["环境", "服务"],
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
    )
    handled = []
    for name, phone, text in [
        ("赵桂兰", "13655556666", "我家楼下的下水道堵了很久"),
        ("钱志强", "010-64012345", "希望社区组织老年人健康讲座"),
        ("孙丽华", "13788889999", "小区门口的路灯不亮了"),
    ]:
        handled.append(
            intake.submit(
                committee=minan, text=text, phone=phone, place="民安东里7号院", name=name, address="10.0.0.1"
            )
        )
    intake.accept(
        handled[0], by=secretary, category=Category.objects.get(code="environment"), title="疏通下水道"
    )
    intake.decline(handled[1], by=secretary, reason="已由街道统一安排")
    assert Publication.objects.exists()
    return area


def test_every_public_page_is_free_of_personal_data(client, world):
    urls = public_urls()

    assert len(urls) >= 12
    assert_no_personal_data(client, urls)


def test_the_street_notice_lists_what_was_taken_on_and_done(client, world):
    page = client.get(reverse("public_notice", args=[world["beixinqiao"].area_code])).content.decode()

    assert "疏通下水道" in page  # the accepted resident need, by the secretary's title
    assert "老人健康体检" in page  # a unit's need
    assert "<strong>4.0</strong> / 5 (1 人评价)" in page
    assert "2025" in page and "居民满意率" in page
    assert "王大爷" not in page  # a resident's comment is for the community only


def test_public_pages_need_no_account_and_set_no_session(client, world):
    response = client.get(reverse("public_notice", args=[world["minan"].area_code]))

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert response["Cache-Control"].startswith("public")


def test_the_notice_is_served_from_the_cache_in_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    url = reverse("public_notice", args=[world["beixinqiao"].area_code])
    with django_assert_max_num_queries(12):
        client.get(url)
    with django_assert_max_num_queries(1):
        client.get(url)
