"""Issue 6 in a real browser: both sides evaluate a completed project on their phones, each seeing the other's
rating only once both are in; the street's secretary publishes the year; a member unit's liaison opens the
published results and finds the ranking and both ECharts charts drawn (their canvases and the screenshot)."""

import datetime
import struct
import zlib

import pytest
from django.utils import timezone

from committees import services
from committees.models import Category, Need, Project, Resource
from matching.models import Answer, Decision, Evaluation, Proposal, Publication
from matching.outcomes import evaluation, figures, periods, projects
from matching.pipeline import confirm
from tests.browser.helpers import log_in
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MembershipFactory,
    MemberUnitFactory,
    SeatFactory,
    StreetFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 414, "height": 896}, "locale": "zh-CN"}
DESK = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}

# In the page: a chart's canvas, its drawn (non-transparent) pixels and their distinct colours, and how many
# pixels below the legend have the colour of one of the chart's series — the lines and bars, not just the axes.
DRAWN_PIXELS_JS = """(selector) => {
  const box = document.querySelector(selector);
  const canvas = box && box.querySelector("canvas");
  if (!canvas || !canvas.width || !canvas.height || !window.echarts) return null;
  const palette = echarts.getInstanceByDom(box).getOption().color.slice(0, 3).map(
    (hex) => [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)));
  const legendBottom = 40 * window.devicePixelRatio;
  const {data} = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let drawn = 0, series = 0;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0) continue;
    drawn += 1;
    colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    const below = Math.floor(i / 4 / canvas.width) >= legendBottom;
    if (below && data[i + 3] === 255 && palette.some((rgb) => rgb.every((v, k) => Math.abs(data[i + k] - v) < 8))) {
      series += 1;
    }
  }
  return {drawn, colours: colours.size, series, width: canvas.width, height: canvas.height};
}"""


def at(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 10))


def png_rows(png: bytes) -> list[list[tuple[int, int, int]]]:
    """The RGB pixels, row by row, of an 8-bit non-interlaced RGB or RGBA PNG (what Chromium's screenshots
    are), with the standard library only."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], None
    while position < len(png):
        (length,), kind = struct.unpack(">I", png[position : position + 4]), png[position + 4 : position + 8]
        body = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour_type, _compression, _filter, interlace = header
    assert (depth, colour_type, interlace) in ((8, 2, 0), (8, 6, 0)), header
    size = 3 if colour_type == 2 else 4
    raw, stride = zlib.decompress(b"".join(chunks)), width * size
    previous, rows = bytearray(stride), []
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - size] if x >= size else 0
            up, up_left = previous[x], previous[x - size] if x >= size else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - up_left
                a, b, c = abs(guess - left), abs(guess - up), abs(guess - up_left)
                line[x] = (line[x] + (left if a <= b and a <= c else up if b <= c else up_left)) & 0xFF
        rows.append([tuple(line[x : x + 3]) for x in range(0, stride, size)])
        previous = line
    return rows


@pytest.fixture
def world():
    """北新桥街道: 民安社区's care station needs check-ups; 东城区第一人民医院, a member of the street, provides them
    in a completed project; the street's service centre, also a member, did nothing. A second need of the care
    station was never answered (it puts a second month on the trend chart)."""
    street = StreetFactory(
        parent=DistrictFactory(area_code="110101", name="东城区"), area_code="110101005", name="北新桥街道"
    )
    minan = CommunityFactory(parent=street, area_code="110101005001", name="民安社区")
    station = MembershipFactory(committee=minan, unit=MemberUnitFactory(name="民安社区养老驿站")).unit
    hospital = MembershipFactory(committee=street, unit=MemberUnitFactory(name="东城区第一人民医院")).unit
    MembershipFactory(committee=street, unit=MemberUnitFactory(name="北新桥街道社区服务中心"))
    SeatFactory(committee=minan, role="liaison", unit=station, user=UserFactory(username="need_liaison"))
    provider_liaison = SeatFactory(
        committee=street, role="liaison", unit=hospital, user=UserFactory(username="provider_liaison")
    ).user
    secretary = SeatFactory(committee=street, role="secretary", user=UserFactory(username="secretary")).user

    def published(model, unit, committee, title):
        record = services.create_record(
            model,
            by=secretary,
            owner_unit=unit,
            committee=committee,
            category=Category.objects.get(code="health"),
            title=title,
            quantity=1,
            measure="sessions",
            contact_name="张三",
            contact_phone="13812345678",
        )
        return services.publish_record(record, by=secretary)

    need = published(Need, station, minan, "老人健康体检")
    resource = published(Resource, hospital, street, "医院志愿者义诊")
    unanswered = published(Need, station, minan, "助老送餐")
    proposal = Proposal.objects.create(
        need=need,
        resource=resource,
        provider_unit=hospital,
        committee=street,
        quantity=1,
        need_side=Answer.ACCEPTED,
        provider_side=Answer.ACCEPTED,
        committee_decision=Decision.APPROVED,
        status=Proposal.Status.APPROVED,
    )
    project = projects.complete_project(project=confirm.confirm(proposal.pk), by=provider_liaison)
    return {
        "street": street,
        "project": project,
        "need": need,
        "resource": resource,
        "proposal": proposal,
        "unanswered": unanswered,
    }


def move_into(year: int, world) -> None:
    """Date the whole story in `year`: published on 2 June, proposed the next day, confirmed on the 5th,
    completed on the 20th, rated on the 22nd and 23rd; the unanswered need published on 10 March.

    Why: the browser can only rate a project while its evaluation window is open (14 days from completion,
    so completion must be recent), and a period can only be published once it has ended — the current month
    never has. Moving the rows afterwards into last year, which has always ended, keeps the test the same
    whatever day it runs."""
    Need.objects.filter(pk=world["need"].pk).update(published_at=at(year, 6, 2))
    Need.objects.filter(pk=world["unanswered"].pk).update(published_at=at(year, 3, 10))
    Resource.objects.filter(pk=world["resource"].pk).update(published_at=at(year, 6, 1))
    Proposal.objects.filter(pk=world["proposal"].pk).update(created_at=at(year, 6, 3))
    Project.objects.filter(pk=world["project"].pk).update(
        created_at=at(year, 6, 5), completed_at=at(year, 6, 20)
    )
    Evaluation.objects.filter(side=Evaluation.Side.NEED).update(created_at=at(year, 6, 22))
    Evaluation.objects.filter(side=Evaluation.Side.PROVIDER).update(created_at=at(year, 6, 23))
    Evaluation.objects.update(revealed_at=at(year, 6, 23))


@pytest.fixture
def open_page(browser):
    """open_page(PHONE or DESK): a page in a new browser context (its own cookies), closed after the test."""
    contexts = []

    def make(options):
        contexts.append(browser.new_context(**options))
        contexts[-1].set_default_timeout(10_000)
        return contexts[-1].new_page()

    yield make
    for context in contexts:
        context.close()


def evaluate(page, base: str, project, score: int, comment: str) -> None:
    page.goto(f"{base}/projects/{project.pk}/")
    form = page.locator("#evaluation form")
    form.locator(f"input[name=score][value='{score}']").check()
    form.locator("textarea[name=comment]").fill(comment)
    form.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=谢谢，您的评价已记录。")


def test_both_sides_evaluate_and_the_published_results_rank_and_chart_them(
    open_page, live_server, world, shot
):
    base, project = live_server.url, world["project"]
    need_phone, provider_phone = open_page(PHONE), open_page(PHONE)
    log_in(need_phone, base, "need_liaison")
    log_in(provider_phone, base, "provider_liaison")

    # The need side rates the service: its own rating shows, marked as not yet shown to the other side.
    need_phone.goto(f"{base}/projects/{project.pk}/")
    assert need_phone.locator("#evaluation input[name=side]").evaluate_all(
        "els => els.map(e => e.value)"
    ) == ["need"]
    evaluate(need_phone, base, project, 5, "体检细致，老人们很满意")
    mine = need_phone.locator("#evaluation ul.list li")
    assert mine.count() == 1
    assert "5/5 — 体检细致，老人们很满意" in mine.inner_text() and "尚未向对方公开" in mine.inner_text()
    assert need_phone.locator("#evaluation form").count() == 0  # its only side has rated
    shot(need_phone, "evaluation-need-side")

    # The provider side does not see it before rating in turn; then both ratings are visible to both.
    provider_phone.goto(f"{base}/projects/{project.pk}/")
    assert "体检细致" not in provider_phone.locator("#evaluation").inner_text()
    assert "暂无可查看的评价。" in provider_phone.locator("#evaluation").inner_text()
    evaluate(provider_phone, base, project, 4, "驿站组织有序，配合良好")
    for phone in (provider_phone, need_phone):
        phone.goto(f"{base}/projects/{project.pk}/")
        shown = phone.locator("#evaluation ul.list li").all_inner_texts()
        assert len(shown) == 2
        assert any("需求方（评价服务） 5/5 — 体检细致，老人们很满意" in row for row in shown), shown
        assert any("提供方（评价配合情况） 4/5 — 驿站组织有序，配合良好" in row for row in shown), shown
        assert not any("尚未向对方公开" in row for row in shown)
    shot(provider_phone, "evaluation-both-sides")
    assert sorted(Evaluation.objects.values_list("side", "score")) == [("need", 5), ("provider", 4)]

    # The nightly jobs, on the story moved into last year (see move_into).
    year = timezone.localdate().year - 1
    move_into(year, world)
    evaluation.compute_reputations()
    figures.compute(periods.year_with_months(year))

    # The street's secretary previews last year and publishes it.
    desk = open_page(DESK)
    log_in(desk, base, "secretary")
    desk.goto(f"{base}/results/{world['street'].pk}/{year}/")
    assert "尚未发布" in desk.locator("main").inner_text()
    desk.get_by_role("link", name="发布本期通报").click()
    desk.check("#id_confirm")
    desk.get_by_role("button", name="发布", exact=True).click()
    desk.wait_for_selector(f"text=已发布：{year}年度 的结果已冻结。")
    assert Publication.objects.filter(committee=world["street"], period=str(year)).count() == 1
    shot(desk, "results_published-secretary")

    # A member unit's liaison reads the published results on a phone, with no script error or complaint from
    # the content security policy (scripts only from the site, no eval).
    problems = []
    provider_phone.on("pageerror", lambda error: problems.append(str(error)))
    provider_phone.on(
        "console",
        lambda message: "Content Security Policy" in message.text and problems.append(message.text),
    )
    provider_phone.goto(f"{base}/results/{world['street'].pk}/{year}/")
    main = provider_phone.locator("main")
    assert f"北新桥街道 · 通报 · {year}年度" in main.locator("h1").inner_text()
    assert "数据已冻结" in main.inner_text() and "尚未发布" not in main.inner_text()
    assert "100.0%\n满意率 (1/1)" in main.inner_text()  # the need side's 5: one rating, satisfied
    rows = [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in main.locator("section:has(#units-chart) table tbody tr").all()
    ]
    # Rank, unit, the score ranked by (here projects completed: no indicator system), then the details: indicator
    # total, projects completed, ratings received, average, reputation, resources, rounds.
    # Reputation: (5 × 4.5 + 5) / (5 + 1) with the mean of all ratings (5 and 4) as the prior, weight 5.
    assert rows == [
        ["1", "东城区第一人民医院", "1", "—", "1", "1", "5.0", "4.58", "1", "0/0"],
        ["2", "北新桥街道社区服务中心", "0", "—", "0", "0", "—", "—", "0", "0/0"],
    ]

    drawn = {}
    for chart in ("#trend-chart", "#units-chart"):
        provider_phone.wait_for_function(f"(chart) => ({DRAWN_PIXELS_JS})(chart)?.drawn > 0", arg=chart)
        drawn[chart] = provider_phone.evaluate(DRAWN_PIXELS_JS, chart)
    print("drawn canvas pixels:", drawn)
    assert all(counted["drawn"] > 2000 and counted["colours"] > 20 for counted in drawn.values()), drawn
    assert drawn["#trend-chart"]["series"] > 100 and drawn["#units-chart"]["series"] > 5000, drawn

    # The saved full-page screenshot itself shows both charts: ink (not the card's white) where they are.
    boxes = {
        chart: provider_phone.locator(chart).evaluate(
            "el => { const r = el.getBoundingClientRect();"
            " return [r.left + scrollX, r.top + scrollY, r.right + scrollX, r.bottom + scrollY].map(Math.round); }"
        )
        for chart in drawn
    }
    path = shot(provider_phone, "results_published")
    rows = png_rows(path.read_bytes())
    for chart, (left, top, right, bottom) in boxes.items():
        pixels = [pixel for row in rows[top:bottom] for pixel in row[left:right]]
        inked = sum(pixel != (255, 255, 255) for pixel in pixels)
        print(f"{path} {chart}: {inked} of {len(pixels)} pixels not white, {len(set(pixels))} colours")
        assert inked > 2000 and len(set(pixels)) > 20, chart
    assert problems == []
