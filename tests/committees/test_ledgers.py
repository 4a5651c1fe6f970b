"""Ledgers (台账): xlsx exports of the lists, scoped and masked; the logged export in full; the import of needs and
resources from xlsx, all rows or none."""

import datetime
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from committees import ledgers, masking, services
from committees.ledgers import importing
from committees.models import Allocation, Category, Need, PersonalDataExport, Project, Resource, Seat
from tests.factories import SeatFactory

pytestmark = pytest.mark.django_db

NEEDS_URL = reverse("admin:committees_need_changelist")
IMPORT_URL = reverse("admin:committees_need_import")
PHONE = "13812345678"


def make_need(by, unit, committee, **fields):
    values = {
        "category": Category.objects.get(code="care"),
        "title": "独居老人助餐",
        "quantity": 10,
        "measure": "people",
        "contact_name": "张秀兰",
        "contact_phone": PHONE,
    }
    return services.create_record(Need, by=by, owner_unit=unit, committee=committee, **{**values, **fields})


@pytest.fixture
def needs(two_streets, liaison_of):
    """One need in 北新桥街道's 民安社区 (its title looks like a formula), one in 天桥街道."""
    school = liaison_of(two_streets["school"], two_streets["minan"])
    theatre = liaison_of(two_streets["theatre"], two_streets["tianqiao"])
    return {
        "own": make_need(school, two_streets["school"], two_streets["minan"], title="=HYPERLINK(1)"),
        "other": make_need(
            theatre,
            two_streets["theatre"],
            two_streets["tianqiao"],
            title="剧场周边停车",
            contact_name="李强",
        ),
    }


@pytest.fixture
def secretary(client, two_streets, secretary_of):
    user = secretary_of(two_streets["beixinqiao"])
    client.force_login(user)
    return user


def sheet_rows(response) -> list[list]:
    assert response["Content-Type"] == ledgers.XLSX_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def column(rows: list[list], header) -> list:
    index = rows[0].index(str(header))
    return [row[index] for row in rows[1:]]


def export(client, action, url=NEEDS_URL, **data):
    return client.post(url, {"action": action, "select_across": "1", "_selected_action": ["0"], **data})


# --- Exports -------------------------------------------------------------------------------------------------------


def test_the_needs_ledger_holds_the_secretarys_subtree_only_numbered_and_on_a4(client, secretary, needs):
    response = export(client, "export_ledger")
    rows = sheet_rows(response)
    assert rows[0][:3] == ["序号", "标题", "类别"]
    assert [row[0] for row in rows[1:]] == [1]
    assert column(rows, "所在协调委员会") == ["民安社区"]
    assert column(rows, "数量") == [10]
    expected_name = f"{gettext('Needs list ledger')}-{timezone.localdate():%Y%m%d}.xlsx"
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{escape_uri_path(expected_name)}"
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert (sheet.page_setup.paperSize, sheet.page_setup.orientation) == (9, "landscape")


def test_a_title_that_looks_like_a_formula_is_exported_as_text(client, secretary, needs):
    rows = sheet_rows(export(client, "export_ledger"))
    assert column(rows, "标题") == ["'=HYPERLINK(1)"]


def test_the_ledger_exports_the_filtered_selection(client, secretary, needs, two_streets, liaison_of):
    make_need(
        liaison_of(two_streets["petro"], two_streets["beixinqiao"]),
        two_streets["petro"],
        two_streets["beixinqiao"],
    )
    url = f"{NEEDS_URL}?committee={two_streets['beixinqiao'].pk}&q=HYPERLINK"
    rows = sheet_rows(export(client, "export_ledger", url=url))
    assert column(rows, "标题") == ["'=HYPERLINK(1)"]


def test_the_ledger_masks_every_contact_even_for_the_owning_secretary(client, secretary, needs):
    rows = sheet_rows(export(client, "export_ledger"))
    assert (column(rows, "联系人"), column(rows, "联系电话")) == (["张**"], ["138****5678"])
    assert PersonalDataExport.objects.count() == 0


def test_an_overseer_gets_the_districts_ledger_masked(client, needs, two_streets, overseer_of):
    client.force_login(overseer_of(two_streets["xicheng"]))
    rows = sheet_rows(export(client, "export_ledger"))
    assert (column(rows, "标题"), column(rows, "联系人"), column(rows, "联系电话")) == (
        ["剧场周边停车"],
        ["李*"],
        ["138****5678"],
    )


def test_the_project_ledger_holds_the_subtree_only(client, secretary, two_streets):
    day = datetime.date(2026, 12, 1)
    Project.objects.create(committee=two_streets["minan"], title="助餐点共建", starts_on=day, ends_on=day)
    Project.objects.create(committee=two_streets["tianqiao"], title="剧场开放日", starts_on=day, ends_on=day)
    rows = sheet_rows(export(client, "export_ledger", url=reverse("admin:committees_project_changelist")))
    assert column(rows, "标题") == ["助餐点共建"]
    assert column(rows, "计划开始日期") == [datetime.datetime(2026, 12, 1)]


# --- Export with personal data in full ------------------------------------------------------------------------------


def test_the_export_in_full_asks_for_the_purpose_first(client, secretary, needs):
    response = export(client, "export_ledger_in_full")
    assert response.status_code == 200 and 'name="purpose"' in response.content.decode()
    assert PersonalDataExport.objects.count() == 0


@pytest.mark.parametrize("purpose", ["", "  工作需要 "])
def test_the_export_in_full_without_a_purpose_shows_the_form_again_and_logs_nothing(
    client, secretary, needs, purpose
):
    response = export(client, "export_ledger_in_full", purpose=purpose)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert 'class="errorlist' in response.content.decode()
    assert PersonalDataExport.objects.count() == 0


def test_the_export_in_full_shows_the_secretarys_rows_in_full_and_is_logged(
    client, secretary, needs, two_streets
):
    url = f"{NEEDS_URL}?status__exact=draft"
    response = export(client, "export_ledger_in_full", url=url, purpose="区委组织部年度需求清单核查")
    rows = sheet_rows(response)
    assert (column(rows, "联系人"), column(rows, "联系电话")) == (["张秀兰"], [PHONE])
    log = PersonalDataExport.objects.get()
    assert (log.user, log.ledger, log.purpose, log.rows, log.filters) == (
        secretary,
        "need",
        "区委组织部年度需求清单核查",
        1,
        "status__exact=draft",
    )


def test_the_export_in_full_holds_the_selected_rows_only(client, secretary, needs, two_streets, liaison_of):
    me = liaison_of(two_streets["school"], two_streets["minan"])
    chosen = make_need(me, two_streets["school"], two_streets["minan"], title="放学后托管")
    data = {"action": "export_ledger_in_full", "_selected_action": [chosen.pk]}
    page = client.post(NEEDS_URL, data)
    assert f'name="_selected_action" value="{chosen.pk}"' in page.content.decode()
    rows = sheet_rows(client.post(NEEDS_URL, {**data, "purpose": "区委组织部年度需求清单核查"}))
    assert column(rows, "标题") == ["放学后托管"]
    assert PersonalDataExport.objects.get().rows == 1


def test_rows_not_seen_in_full_stay_masked_in_the_export_in_full(client, secretary, needs, two_streets):
    SeatFactory(committee=two_streets["xicheng"], role=Seat.Role.OVERSEER, user=secretary)
    rows = sheet_rows(export(client, "export_ledger_in_full", purpose="两区需求清单对账核查"))
    names = dict(zip(column(rows, "标题"), column(rows, "联系人"), strict=True))
    assert names == {"'=HYPERLINK(1)": "张秀兰", "剧场周边停车": "李*"}
    assert PersonalDataExport.objects.get().rows == 2


def test_an_overseer_cannot_export_in_full(client, needs, two_streets, overseer_of):
    client.force_login(overseer_of(two_streets["xicheng"]))
    assert "export_ledger_in_full" not in client.get(NEEDS_URL).content.decode()
    response = export(client, "export_ledger_in_full", purpose="区委组织部年度需求清单核查")
    assert response.status_code == 302
    assert PersonalDataExport.objects.count() == 0


def test_the_export_log_is_read_only_and_shows_secretaries_their_own_exports(
    client, secretary, two_streets, secretary_of, superuser
):
    mine = PersonalDataExport.objects.create(user=secretary, ledger="need", purpose="年度核查北新桥", rows=3)
    other = secretary_of(two_streets["tianqiao"])
    theirs = PersonalDataExport.objects.create(user=other, ledger="resource", purpose="年度核查天桥", rows=5)
    log_url = reverse("admin:committees_personaldataexport_changelist")
    page = client.get(log_url).content.decode()
    assert "年度核查北新桥" in page and "年度核查天桥" not in page
    change_url = "admin:committees_personaldataexport_change"
    assert client.get(reverse(change_url, args=[mine.pk])).status_code == 200
    assert client.get(reverse(change_url, args=[theirs.pk])).status_code == 302  # "does not exist"
    assert client.get(reverse("admin:committees_personaldataexport_add")).status_code == 403
    client.force_login(superuser)
    page = client.get(log_url).content.decode()
    assert "年度核查北新桥" in page and "年度核查天桥" in page


def test_the_export_keeps_a_bounded_number_of_queries(
    client, secretary, two_streets, liaison_of, django_assert_max_num_queries
):
    me = liaison_of(two_streets["school"], two_streets["minan"])
    for index in range(30):
        make_need(me, two_streets["school"], two_streets["minan"], title=f"需求{index}")
    # session, user, seats; the change list's filters twice and its count (Django's); records, masks, log
    with django_assert_max_num_queries(11):
        rows = sheet_rows(export(client, "export_ledger_in_full", purpose="区委组织部年度需求清单核查"))
    assert len(rows) == 31


# --- Import ---------------------------------------------------------------------------------------------------------


def headers_of(model) -> list[str]:
    return [str(column.header) for column in ledgers.import_columns(model)]


def xlsx(headers: list, rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("需求清单.xlsx", buffer.getvalue())


def need_row(**values) -> list:
    """A need row in the columns of headers_of(Need)."""
    row = {
        "owner_unit": "",
        "committee": "110101005",
        "category": "养老托育",
        "title": "独居老人助餐",
        "description": "",
        "quantity": 10,
        "measure": "人",
        "reach": "本街道",
        "beneficiaries": "",
        "contact_name": "张秀兰",
        "contact_phone": PHONE,
        "deadline": "",
        "urgency": "",
        "source": "",
        **values,
    }
    return [row[column.key] for column in ledgers.import_columns(Need)]


def upload(client, file, publish=False, url=IMPORT_URL):
    return client.post(url, {"file": file, **({"publish": "on"} if publish else {})})


def test_a_good_file_creates_every_row_as_a_draft_with_history(client, secretary, two_streets):
    school = two_streets["school"]
    rows = [
        need_row(),
        need_row(owner_unit=school.credit_code, committee=110101005001, title="放学后托管", measure="people"),
        need_row(
            title="楼道照明", quantity=3.0, measure="件", deadline=datetime.date(2026, 12, 31), urgency="紧急"
        ),
    ]
    response = upload(client, xlsx(headers_of(Need), rows))
    assert response.status_code == 302 and response["Location"] == NEEDS_URL
    created = list(Need.objects.order_by("pk"))
    assert [(n.title, n.owner, n.committee, n.quantity, n.measure, n.status) for n in created] == [
        ("独居老人助餐", two_streets["beixinqiao"], two_streets["beixinqiao"], 10, "people", "draft"),
        ("放学后托管", school, two_streets["minan"], 10, "people", "draft"),
        ("楼道照明", two_streets["beixinqiao"], two_streets["beixinqiao"], 3, "items", "draft"),
    ]
    assert (created[2].deadline, created[2].urgency, created[2].reach_prefix) == (
        datetime.date(2026, 12, 31),
        "urgent",
        "110101005",
    )
    assert [(h.history_type, h.history_user) for h in Need.history.order_by("id")] == [("+", secretary)] * 3


def test_publish_at_once_publishes_every_imported_record(client, secretary):
    upload(client, xlsx(headers_of(Need), [need_row(), need_row(title="楼道照明")]), publish=True)
    assert list(Need.objects.values_list("status", flat=True)) == ["published", "published"]
    assert Need.history.count() == 4


def test_the_templates_example_row_imports_as_is(client, secretary):
    template = client.get(reverse("admin:committees_resource_import_template"))
    rows = sheet_rows(template)
    assert rows[0][1:] == headers_of(Resource) and len(rows) == 2
    response = upload(
        client,
        SimpleUploadedFile("t.xlsx", template.content),
        url=reverse("admin:committees_resource_import"),
    )
    assert response.status_code == 302
    assert Resource.objects.get().committee.area_code == "110101005"


def test_a_file_with_bad_rows_writes_nothing_and_names_each_row_and_column(client, secretary, two_streets):
    rows = [
        need_row(),
        need_row(category="不存在的类别"),
        need_row(owner_unit=two_streets["theatre"].credit_code, contact_phone="12345"),
    ]
    response = upload(client, xlsx(headers_of(Need), rows))
    assert response.status_code == 200
    expected = [
        [3, "类别", gettext("No category in use has this name or code.")],
        [4, gettext("owner unit credit code"), gettext("No member unit you manage has this credit code.")],
        [4, "联系电话", "请输入 11 位手机号（如 13812345678）或固定电话（如 010-64012345）。"],
    ]
    assert [list(error) for error in response.context["errors"]] == expected
    assert Need.objects.count() == 0 and Need.history.count() == 0
    report = sheet_rows(client.get(response.context["report_url"]))
    assert [row[1:] for row in report[1:]] == expected


def test_a_committee_outside_the_secretarys_subtree_is_an_error_of_its_row(client, secretary):
    response = upload(client, xlsx(headers_of(Need), [need_row(committee="110102014")]))
    assert list(response.context["errors"]) == [
        (
            2,
            gettext("home committee division code"),
            gettext("No committee you manage has this division code."),
        )
    ]
    assert Need.objects.count() == 0


def test_resource_rows_are_checked_with_the_models_rules(client, secretary):
    headers = headers_of(Resource)
    values = dict.fromkeys(headers, "")
    values.update(
        {
            gettext("home committee division code"): "110101005",
            "类别": "venues",
            "标题": "党群服务中心会议室",
            "数量": 40,
            "计量单位": "m2",
            "联系人": "孙浩",
            "联系电话": "010-64012345",
            "可用开始日期": "2026/12/31",
            "可用截止日期": "2026-12-01",
            "使用方式": "免费?",
        }
    )
    response = upload(
        client, xlsx(headers, [list(values.values())]), url=reverse("admin:committees_resource_import")
    )
    errors = {(row, header) for row, header, _message in response.context["errors"]}
    assert errors == {(2, "可用截止日期"), (2, "使用方式")}
    assert Resource.objects.count() == 0


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"title,quantity\n", "该文件不是 Excel 工作簿（.xlsx）"),
        (_zip_without_workbook(), "该文件不是 Excel 工作簿（.xlsx）"),
        (xlsx(["标题", "备注"], [["独居老人助餐", ""]]).read(), "缺少列："),
        (xlsx(headers_of(Need), []).read(), "文件只有表头，没有可导入的数据行。"),
        (xlsx([], []).read(), "文件为空：第一个工作表既无表头也无数据行。"),
    ],
    ids=["csv", "zip-without-workbook", "missing-headers", "headers-only", "empty-sheet"],
)
def test_a_file_that_is_not_an_import_gets_a_clear_message(client, secretary, content, message):
    response = upload(client, SimpleUploadedFile("需求.xlsx", content))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert Need.objects.count() == 0


def test_too_many_rows_or_bytes_are_refused(client, secretary, monkeypatch):
    monkeypatch.setattr(importing, "MAX_IMPORT_ROWS", 2)
    response = upload(client, xlsx(headers_of(Need), [need_row()] * 3))
    assert "2" in response.context["form"].errors["file"][0]
    monkeypatch.setattr(importing, "MAX_IMPORT_BYTES", 1024)
    response = upload(client, xlsx(headers_of(Need), [need_row()]))
    assert response.context["form"].errors["file"] == [
        gettext("The file is larger than %(size)d MB; split it into smaller files.") % {"size": 0}
    ]
    assert Need.objects.count() == 0


def test_an_overseer_cannot_open_the_import(client, two_streets, overseer_of):
    client.force_login(overseer_of(two_streets["dongcheng"]))
    assert client.get(IMPORT_URL).status_code == 403
    assert 'action="/admin/committees/need/import/"' not in client.get(NEEDS_URL).content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_import_keeps_a_bounded_number_of_queries(
    client, secretary, count, django_assert_max_num_queries
):
    file = xlsx(headers_of(Need), [need_row(title=f"需求{n}") for n in range(count)])
    with django_assert_max_num_queries(6):
        assert client.get(IMPORT_URL).status_code == 200
    with django_assert_max_num_queries(14):
        assert upload(client, file).status_code == 302
    assert Need.objects.count() == count


def test_every_constraint_of_the_records_is_checked_without_a_query_per_row():
    for model in (Need, Resource):
        checked = {check.constraint(model._meta.model_name).name for check in model.ROW_CHECKS}
        assert {constraint.name for constraint in model._meta.constraints} == checked


# --- Trust: what a ledger does with bad input (issue 12) -------------------------------------------------------------


def test_a_control_character_in_a_stored_title_does_not_break_the_needs_ledger(client, secretary, needs):
    Need.objects.filter(pk=needs["own"].pk).update(title="楼道\x0b照明\x1f")
    response = export(client, "export_ledger")
    assert response.status_code == 200
    assert column(sheet_rows(response), "标题") == ["楼道照明"]


def test_the_projects_ledger_shows_a_project_that_came_from_a_claim(client, secretary, two_streets, needs):
    day = datetime.date(2026, 12, 1)
    project = Project.objects.create(
        committee=two_streets["minan"], title="助餐点共建", starts_on=day, ends_on=day
    )
    Allocation.objects.create(
        project=project, need=needs["own"], resource=None, provider_unit=two_streets["petro"], quantity=1
    )
    response = export(client, "export_ledger", url=reverse("admin:committees_project_changelist"))
    assert response.status_code == 200
    rows = sheet_rows(response)
    assert column(rows, "需求清单") == ["'=HYPERLINK(1)"]
    assert column(rows, "资源清单") == ["认领：中国石油天然气集团有限公司"]


UNITS_URL = reverse("admin:committees_memberunit_changelist")
UNIT_NAME = "单位名称"


def test_the_member_unit_ledger_masks_the_contacts(client, secretary, two_streets):
    response = export(client, "export_ledger", url=UNITS_URL)
    rows = sheet_rows(response)
    school = two_streets["school"]
    phones = dict(zip(column(rows, UNIT_NAME), column(rows, "联系电话"), strict=True))
    assert phones[school.name] == masking.mask_phone(school.contact_phone) != school.contact_phone
    names = dict(zip(column(rows, UNIT_NAME), column(rows, "联系人"), strict=True))
    assert names[school.name] == masking.mask_name(school.contact_name)
    assert PersonalDataExport.objects.count() == 0


def test_the_member_unit_ledger_in_full_asks_a_purpose_and_is_logged(client, secretary, two_streets):
    page = export(client, "export_ledger_in_full", url=UNITS_URL)
    assert page.status_code == 200 and 'name="purpose"' in page.content.decode()
    assert PersonalDataExport.objects.count() == 0
    response = export(client, "export_ledger_in_full", url=UNITS_URL, purpose="核对成员单位联系人名单")
    rows = sheet_rows(response)
    school = two_streets["school"]
    phones = dict(zip(column(rows, UNIT_NAME), column(rows, "联系电话"), strict=True))
    assert phones[school.name] == school.contact_phone
    log = PersonalDataExport.objects.get()
    assert (log.user, log.ledger, log.purpose, log.rows) == (
        secretary,
        "memberunit",
        "核对成员单位联系人名单",
        2,
    )


def test_an_overseer_cannot_export_the_member_units_in_full(client, two_streets, overseer_of):
    client.force_login(overseer_of(two_streets["dongcheng"]))
    response = export(client, "export_ledger_in_full", url=UNITS_URL, purpose="核对成员单位联系人名单")
    assert response.status_code == 302
    assert PersonalDataExport.objects.count() == 0


def _rezip(content: bytes, replace: dict[str, bytes]) -> bytes:
    """The same xlsx with some members' contents replaced."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
    return buffer.getvalue()


def _padded_sheet(megabytes: int) -> bytes:
    """A valid import whose sheet unpacks to `megabytes` MB (whitespace, which compresses ~1000:1)."""
    good = xlsx(headers_of(Need), [need_row()]).read()
    sheet = zipfile.ZipFile(io.BytesIO(good)).read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (megabytes * 1024 * 1024), 1)
    return _rezip(good, {"xl/worksheets/sheet1.xml": padded})


def test_a_zip_bomb_is_refused_before_the_workbook_is_opened(client, secretary, monkeypatch):
    opened = []
    monkeypatch.setattr(importing, "load_workbook", lambda *args, **kwargs: opened.append(1))
    bomb = _padded_sheet(120)
    assert len(bomb) < 1024 * 1024
    response = upload(client, SimpleUploadedFile("需求.xlsx", bomb))
    assert response.context["form"].errors["file"] == [
        gettext("The file unpacks to more than %(size)d MB; split it into smaller files.")
        % {"size": importing.MAX_UNZIPPED_BYTES // (1024 * 1024)}
    ]
    assert opened == [] and Need.objects.count() == 0


def test_a_file_that_unpacks_far_more_than_workbooks_do_is_refused(client, secretary, monkeypatch):
    opened = []
    monkeypatch.setattr(importing, "load_workbook", lambda *args, **kwargs: opened.append(1))
    response = upload(client, SimpleUploadedFile("需求.xlsx", _padded_sheet(8)))
    assert response.context["form"].errors["file"] == [
        gettext("The file is packed far more tightly than a workbook is; it cannot be imported.")
    ]
    assert opened == [] and Need.objects.count() == 0


def test_the_sheet_is_read_within_bounded_rows_and_columns(client, secretary, monkeypatch):
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    asked = []
    original = ReadOnlyWorksheet.iter_rows

    def spy(self, *args, **kwargs):
        asked.append((kwargs.get("max_row"), kwargs.get("max_col")))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", spy)
    good = xlsx(headers_of(Need), [need_row()]).read()
    sheet = zipfile.ZipFile(io.BytesIO(good)).read("xl/worksheets/sheet1.xml")
    huge = re.sub(rb'<dimension ref="[A-Z0-9:]+" ?/>', b'<dimension ref="A1:XFD1048576"/>', sheet)
    assert huge != sheet
    response = upload(
        client, SimpleUploadedFile("需求.xlsx", _rezip(good, {"xl/worksheets/sheet1.xml": huge}))
    )
    assert response.status_code == 302 and Need.objects.count() == 1
    (max_row, max_col), *_ = asked
    assert max_col is not None and max_col <= importing.MAX_IMPORT_COLUMNS
    assert max_row is not None and max_row <= importing.MAX_SHEET_ROWS
