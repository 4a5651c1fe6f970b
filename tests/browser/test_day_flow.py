"""The day of a liaison (a phone, 390×844) and of a secretary (1366×768) on the demo data: the to-do list is on
the first screen, acting on an item takes at most three taps and removes it (its notification marked done), the
run page refreshes itself to 已完成 and links to its proposals, approving from the topic's page confirms the
project, and the results chart labels every bar. Screenshots in artifacts/screenshots/day-*.png."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from committees.demo_data import DEMO_PASSWORD
from committees.models import Committee, Notification, User
from matching.models import MatchingRun, Proposal
from matching.pipeline import runs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    call_command("load_demo_year", verbosity=0)
    call_command("load_demo_outcomes", verbosity=0)
    return Committee.objects.get(area_code="110101005")


def log_in(page, base: str, username: str, path: str) -> None:
    page.goto(base + path)
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit], #login-form input[type=submit]")
    page.wait_for_load_state()


def test_the_liaison_answers_from_the_to_do_list_in_three_taps(browser, live_server, demo, shot):
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    log_in(phone, live_server.url, "liaison_hospital", "/accounts/login/")
    phone.wait_for_selector("#todos")
    todo = phone.locator("#todos a.todo-link[href*='/answer/']").first
    box = todo.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844  # on the first screen, no scrolling
    assert phone.locator("#todos").bounding_box()["y"] < 844 / 2
    shot(phone, "day-01-liaison-todo")
    href = todo.get_attribute("href")
    proposal = Proposal.objects.get(pk=int(href.strip("/").split("/")[1]))
    hospital = User.objects.get(username="liaison_hospital")
    assert Notification.objects.filter(user=hospital, subject_id=proposal.pk, done_at__isnull=True).exists()

    todo.click()  # tap 1
    phone.wait_for_url(f"**{href}")
    expect(phone.locator("main")).to_contain_text("北新桥养老照料中心")  # the other side, named
    shot(phone, "day-02-liaison-answer")
    phone.check("input[name=accept][value=yes]")  # tap 2
    phone.click("button:has-text('提交答复')")  # tap 3
    phone.wait_for_selector("text=您的答复已记录")
    assert phone.locator(f"#todos a[href='{href}']").count() == 0  # it left the list
    assert not Notification.objects.filter(
        user=hospital, subject_id=proposal.pk, done_at__isnull=True
    ).exists()
    shot(phone, "day-03-liaison-done")
    phone.context.close()


def test_the_secretary_decides_watches_a_run_and_reads_the_results(browser, live_server, demo, shot):
    base = live_server.url
    desk = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    log_in(desk, base, "bxq_secretary", "/admin/login/")
    desk.wait_for_selector("#todos")
    assert desk.locator("#todos").bounding_box()["y"] < 768 / 2
    assert desk.locator("#user-tools strong").inner_text() == User.objects.get(username="bxq_secretary").name
    shot(desk, "day-11-secretary-home")

    # A topic both sides accepted: decide it from its own page.
    topic = desk.locator("#todos a[href*='/admin/matching/proposal/']").first
    topic_url = topic.get_attribute("href")
    proposal_pk = int(topic_url.rstrip("/").split("/")[-2])
    topic.click()
    desk.wait_for_url(f"**{topic_url}")
    desk.click("#decision button[value=yes]")
    desk.wait_for_selector(".messagelist")
    assert Proposal.objects.get(pk=proposal_pk).status == Proposal.Status.CONFIRMED
    assert "已确定为项目" in desk.locator(".messagelist").inner_text()
    shot(desk, "day-12-secretary-approved")

    # The run page refreshes itself to 已完成 and links to its proposals.
    run = MatchingRun.objects.create(committee=demo, scope_code=demo.area_code)
    desk.goto(f"{base}/admin/matching/matchingrun/{run.pk}/change/")
    desk.wait_for_selector(".run-status-label:has-text('等待中')")
    desk.evaluate("window.__notReloaded = true")
    shot(desk, "day-13-run-waiting")
    runs.execute(run.pk)
    desk.wait_for_selector(".run-status-label:has-text('已完成')", timeout=30_000)
    assert desk.evaluate("window.__notReloaded === true")
    shot(desk, "day-14-run-done")
    desk.click("a.run-proposals")
    desk.wait_for_selector("#result_list")
    assert f"run={run.pk}" in desk.url
    shot(desk, "day-15-run-proposals")

    # The results chart labels every bar.
    desk.goto(f"{base}/results/{demo.pk}/{timezone.localdate().year}/")
    desk.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.getElementById('units-chart'))"
    )
    # The labels ECharts actually draws on the unit axis (after its own thinning), against the units charted.
    drawn = desk.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById('units-chart'));
            const axis = chart.getModel().getComponent('yAxis').axis;
            return axis.getViewLabels().map((label) => axis.scale.getLabel({ value: label.tickValue }));
        }"""
    )
    names = desk.evaluate(
        "JSON.parse(document.getElementById('chart-data').textContent).units.map(u => u.unit)"
    )
    assert names and sorted(drawn) == sorted(names), set(names) - set(drawn)
    shot(desk, "day-16-results")
    desk.context.close()
