import pytest

from committees.models import Category, Need
from committees.services import records
from tests.factories import CommunityFactory, DistrictFactory, StreetFactory


@pytest.fixture
def place(db):
    """北新桥街道 with 民安社区 and 九道湾社区, and 西城区's 德胜街道 with 六铺炕社区."""
    dongcheng = DistrictFactory(area_code="110101", name="东城区")
    beixinqiao = StreetFactory(parent=dongcheng, area_code="110101005", name="北新桥街道")
    xicheng = DistrictFactory(area_code="110102", name="西城区")
    desheng = StreetFactory(parent=xicheng, area_code="110102010", name="德胜街道")
    return {
        "dongcheng": dongcheng,
        "beixinqiao": beixinqiao,
        "minan": CommunityFactory(parent=beixinqiao, area_code="110101005001", name="民安社区"),
        "jiudaowan": CommunityFactory(parent=beixinqiao, area_code="110101005002", name="九道湾社区"),
        "desheng": desheng,
        "liupukang": CommunityFactory(parent=desheng, area_code="110102010001", name="六铺炕社区"),
    }


@pytest.fixture
def form_data():
    def make(**overrides):
        data = {
            "text": "楼道里的灯坏了两个月，老人晚上上下楼很危险，希望尽快修好楼道灯。",
            "place": "民安小区3号楼2单元",
            "name": "王秀英",
            "phone": "13901234567",
            "captcha_0": "test",
            "captcha_1": "PASSED",
        }
        data.update(overrides)
        return data

    return make


@pytest.fixture
def community_need(superuser):
    def make(committee, title, description=""):
        need = records.create_record(
            Need,
            by=superuser,
            owner_committee=committee,
            committee=committee,
            category=Category.objects.get(code="health"),
            title=title,
            description=description,
            quantity=1,
            contact_name="刘建国",
            contact_phone="13700001111",
        )
        return records.publish_record(need, by=superuser)

    return make
