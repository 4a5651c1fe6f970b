"""Published results: who sees what, publishing freezes a period, the xlsx ledger, the secretary's dashboard."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import CommitteeFigures, Evaluation, Publication
from matching.outcomes import figures, periods, results
from tests.factories import MembershipFactory, MemberUnitFactory
from tests.matching.known_data import at

pytestmark = pytest.mark.django_db


def results_url(committee, period="2025"):
    return reverse("results_page", args=[committee.pk, period])


def publish_url(committee, period="2025"):
    return reverse("results_publish", args=[committee.pk, period])


def test_the_secretary_publishes_an_ended_year_after_confirming(client, city, secretary_of):
    secretary = secretary_of(city["beixinqiao"])
    client.force_login(secretary)
    response = client.post(publish_url(city["beixinqiao"]), {})
    assert response.status_code == 200 and "请勾选以确认发布" in response.content.decode()
    assert not Publication.objects.exists()
    response = client.post(publish_url(city["beixinqiao"]), {"confirm": "on"})
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert (publication.period, publication.snapshot["figures"]["resolution_rate"]) == ("2025", 25.0)
    assert [row["unit"] for row in publication.snapshot["units"]][0] == "东城区第一人民医院"


def test_a_period_that_has_not_ended_cannot_be_published(city, secretary_of):
    this_month = periods.parse(f"{timezone.localdate():%Y-%m}")
    with pytest.raises(Exception) as error:
        results.publish(committee=city["beixinqiao"], period=this_month, by=secretary_of(city["beixinqiao"]))
    assert "尚未结束" in str(error.value)
    assert not Publication.objects.exists()


def test_another_streets_secretary_cannot_publish_or_preview(client, city, secretary_of):
    client.force_login(secretary_of(city["desheng"]))
    assert client.post(publish_url(city["beixinqiao"]), {"confirm": "on"}).status_code == 404
    assert client.get(results_url(city["beixinqiao"])).status_code == 404
    assert not Publication.objects.exists()


def test_a_published_period_is_frozen_against_later_changes(client, city, secretary_of):
    secretary = secretary_of(city["beixinqiao"])
    results.publish(committee=city["beixinqiao"], period=periods.parse("2025"), by=secretary)
    # A late rating dated in 2025 arrives after publication: the frozen figures do not move.
    Evaluation.objects.filter(score=1).update(revealed_at=at(2025, 5, 3))
    figures.compute(periods.year_with_months(2025, datetime.date(2025, 12, 31)))
    assert CommitteeFigures.objects.get(committee=city["beixinqiao"], period="2025").ratings == 1
    assert CommitteeFigures.objects.get(committee=city["minan"], period="2025").ratings == 2  # not published
    client.force_login(secretary)
    page = client.get(results_url(city["beixinqiao"])).content.decode()
    assert "数据已冻结" in page
    with pytest.raises(Exception) as error:
        results.publish(committee=city["beixinqiao"], period=periods.parse("2025"), by=secretary)
    assert "已发布" in str(error.value)


def test_liaisons_see_published_results_of_their_committees_only(client, city, secretary_of, liaison_of):
    member = liaison_of(city["hospital"])
    outsider = liaison_of(MembershipFactory(committee=city["desheng"], unit=MemberUnitFactory()).unit)
    client.force_login(member)
    assert client.get(results_url(city["beixinqiao"])).status_code == 404  # not published: no preview
    results.publish(
        committee=city["beixinqiao"], period=periods.parse("2025"), by=secretary_of(city["beixinqiao"])
    )
    page = client.get(results_url(city["beixinqiao"]))
    assert page.status_code == 200 and "东城区第一人民医院" in page.content.decode()
    client.force_login(outsider)
    assert client.get(results_url(city["beixinqiao"])).status_code == 404
    assert client.get(reverse("results_export", args=[city["beixinqiao"].pk, "2025"])).status_code == 404


def test_the_secretary_previews_unpublished_results(client, city, secretary_of):
    client.force_login(secretary_of(city["beixinqiao"]))
    page = client.get(results_url(city["beixinqiao"])).content.decode()
    assert "尚未发布" in page and "25.0%" in page and "发布本期通报" in page


def test_the_xlsx_ledger_is_numbered_in_chinese_and_neutralises_formulas(client, city, secretary_of):
    city["street_unit"].name = '=HYPERLINK("http://evil","点我")'
    city["street_unit"].save(update_fields=["name"])
    client.force_login(secretary_of(city["beixinqiao"]))
    response = client.get(reverse("results_export", args=[city["beixinqiao"].pk, "2025"]))
    assert response.status_code == 200
    assert "%E9%80%9A%E6%8A%A5" in response["Content-Disposition"]  # 通报 in the file name
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    summary, units = book.worksheets[0], book.worksheets[1]
    assert [cell.value for cell in summary[1]][:3] == ["序号", "指标", "数值"]
    assert [cell.value for cell in summary[3]] == [2, "响应率（%）", 50.0]
    names = [row[2].value for row in units.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://evil","点我")' in names
    assert units.cell(row=2, column=1).value == 1


def test_the_results_page_runs_a_constant_number_of_queries(
    client, city, secretary_of, django_assert_max_num_queries
):
    client.force_login(secretary_of(city["beixinqiao"]))
    client.get(results_url(city["beixinqiao"]))
    # The page, its figures and charts, the departments (吹哨报到), units by service (双报到), the unread count.
    with django_assert_max_num_queries(25) as few:
        client.get(results_url(city["beixinqiao"]))
    for _ in range(25):
        MembershipFactory(committee=city["beixinqiao"], unit=MemberUnitFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(results_url(city["beixinqiao"])).status_code == 200


def test_the_dashboard_shows_the_figures_and_the_late_projects(client, city, secretary_of):
    from committees.models import Project

    secretary = secretary_of(city["beixinqiao"])
    figures.compute(periods.year_with_months(timezone.localdate().year))
    late = Project.objects.filter(status=Project.Status.IN_PROGRESS).first()
    client.force_login(secretary)
    page = client.get(reverse("admin:index")).content.decode()
    assert "今年的统计指标" in page and "响应率" in page and 'id="trend-chart"' in page
    assert late.title in page  # planned to end in 2025, not completed: needs action


def test_the_dashboard_hides_another_streets_figures(client, city, secretary_of):
    client.force_login(secretary_of(city["desheng"]))
    page = client.get(reverse("admin:index")).content.decode()
    assert "北新桥街道" not in page
