"""Bad input on the pages, in the admin and in the import: every error is a Chinese message on its field, never a
constraint's name, a silent cut or a stored control character; past deadlines are refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from committees import ledgers
from committees.models import Category, Need
from tests.committees.test_ledgers import headers_of, need_row, upload, xlsx
from tests.committees.test_views import need_data

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
NEW_NEED = reverse("record_create", args=["needs"])
ADMIN_ADD_NEED = reverse("admin:committees_need_add")


@pytest.fixture
def school_liaison(client, two_streets, liaison_of):
    user = liaison_of(two_streets["school"], two_streets["minan"])
    client.force_login(user)
    return user


@pytest.fixture
def secretary(client, two_streets, secretary_of):
    user = secretary_of(two_streets["beixinqiao"])
    client.force_login(user)
    return user


def form_errors(response) -> dict:
    assert response.status_code == 200
    return response.context["form"].errors


def post_need(client, two_streets, **values):
    return client.post(NEW_NEED, need_data(two_streets["school"], two_streets["minan"], **values))


def test_quantity_zero_is_a_chinese_error_on_the_quantity_field(client, school_liaison, two_streets):
    errors = form_errors(post_need(client, two_streets, quantity=0))
    assert errors == {"quantity": ["数量至少为 1。"]}
    assert not Need.objects.exists()


def test_a_past_deadline_is_refused_on_the_form(client, school_liaison, two_streets):
    errors = form_errors(post_need(client, two_streets, deadline=YESTERDAY.isoformat()))
    assert errors == {"deadline": ["截止日期已过，请填写今天或以后的日期。"]}
    assert not Need.objects.exists()


def test_a_title_longer_than_allowed_is_not_cut_by_the_browser_but_refused(
    client, school_liaison, two_streets
):
    page = client.get(NEW_NEED).content.decode()
    assert 'name="title"' in page and "maxlength" not in page
    errors = form_errors(post_need(client, two_streets, title="长" * 2000))
    assert errors["title"] == ["确保该变量包含不超过 100 字符 (目前字符数 2000)。"]


def test_a_control_character_is_refused_on_the_form(client, school_liaison, two_streets):
    errors = form_errors(post_need(client, two_streets, title="独居老人\x0b助餐"))
    assert errors == {"title": ["请删除不可见的控制字符 U+000B（通常是从其他软件粘贴带入的）。"]}


def test_the_admin_shows_quantity_and_deadline_errors_on_their_fields(client, secretary, two_streets):
    data = {
        "owner_committee": two_streets["beixinqiao"].pk,
        "committee": two_streets["beixinqiao"].pk,
        "category": Category.objects.get(code="care").pk,
        "title": "楼道照明",
        "quantity": 0,
        "measure": "items",
        "reach": "street",
        "contact_name": "张秀兰",
        "contact_phone": "13812345678",
        "deadline": YESTERDAY.isoformat(),
        "urgency": "normal",
        "source": "unit",
    }
    response = client.post(ADMIN_ADD_NEED, data)
    errors = response.context["adminform"].form.errors
    assert errors["quantity"] == ["数量至少为 1。"]
    assert errors["deadline"] == ["截止日期已过，请填写今天或以后的日期。"]
    assert "__all__" not in errors
    assert not Need.objects.exists()


def test_the_import_refuses_a_past_deadline_on_its_row(client, secretary):
    response = upload(client, xlsx(headers_of(Need), [need_row(), need_row(deadline=YESTERDAY)]))
    assert [tuple(error) for error in response.context["errors"]] == [
        (3, "截止日期", "截止日期已过，请填写今天或以后的日期。")
    ]
    assert not Need.objects.exists()


def test_the_import_refuses_a_control_character_on_its_row(secretary):
    # xlsx cannot carry most control characters, but a cell can (escaped); the rows meet the model's rule.
    values = {
        "committee": "110101005",
        "category": "养老托育",
        "title": "楼道\x1f照明",
        "quantity": 3,
        "contact_name": "张秀兰",
        "contact_phone": "13812345678",
    }
    with pytest.raises(ledgers.ImportRejected) as rejected:
        ledgers.import_records(Need, [ledgers.ImportRow(number=2, values=values)], by=secretary)
    assert rejected.value.errors == [
        (2, "title", "请删除不可见的控制字符 U+001F（通常是从其他软件粘贴带入的）。")
    ]
    assert not Need.objects.exists()
