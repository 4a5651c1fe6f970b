import pytest

from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MembershipFactory,
    MemberUnitFactory,
    StreetFactory,
)


@pytest.fixture
def two_streets(db):
    """东城区 with 北新桥街道 (one community, two units) and 西城区's 天桥街道 (one unit)."""
    dongcheng = DistrictFactory(area_code="110101", name="东城区")
    xicheng = DistrictFactory(area_code="110102", name="西城区")
    beixinqiao = StreetFactory(parent=dongcheng, area_code="110101005", name="北新桥街道")
    minan = CommunityFactory(parent=beixinqiao, area_code="110101005001", name="民安社区")
    tianqiao = StreetFactory(parent=xicheng, area_code="110102014", name="天桥街道")
    hufang = CommunityFactory(parent=tianqiao, area_code="110102014001", name="虎坊路社区")
    petro = MembershipFactory(
        committee=beixinqiao, unit=MemberUnitFactory(name="中国石油天然气集团有限公司")
    ).unit
    school = MembershipFactory(committee=minan, unit=MemberUnitFactory(name="府学胡同小学")).unit
    theatre = MembershipFactory(committee=tianqiao, unit=MemberUnitFactory(name="北京天桥艺术中心")).unit
    return {
        "dongcheng": dongcheng,
        "xicheng": xicheng,
        "beixinqiao": beixinqiao,
        "minan": minan,
        "tianqiao": tianqiao,
        "hufang": hufang,
        "petro": petro,
        "school": school,
        "theatre": theatre,
    }
