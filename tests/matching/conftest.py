import pytest

from committees import services
from committees.models import Category, Need, Resource
from matching.models import Answer, Decision, Proposal
from matching.pipeline import confirm
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MembershipFactory,
    MemberUnitFactory,
    StreetFactory,
)


@pytest.fixture
def area(db):
    """东城区 with two streets (北新桥: 民安, 九道湾; 建国门: 赵家楼) and 西城区 with 德胜街道's 六铺炕."""
    dongcheng = DistrictFactory(area_code="110101", name="东城区")
    xicheng = DistrictFactory(area_code="110102", name="西城区")
    beixinqiao = StreetFactory(parent=dongcheng, area_code="110101005", name="北新桥街道")
    jianguomen = StreetFactory(parent=dongcheng, area_code="110101008", name="建国门街道")
    desheng = StreetFactory(parent=xicheng, area_code="110102010", name="德胜街道")
    return {
        "dongcheng": dongcheng,
        "xicheng": xicheng,
        "beixinqiao": beixinqiao,
        "jianguomen": jianguomen,
        "desheng": desheng,
        "minan": CommunityFactory(parent=beixinqiao, area_code="110101005001", name="民安社区"),
        "jiudaowan": CommunityFactory(parent=beixinqiao, area_code="110101005002", name="九道湾社区"),
        "zhaojialou": CommunityFactory(parent=jianguomen, area_code="110101008001", name="赵家楼社区"),
        "liupukang": CommunityFactory(parent=desheng, area_code="110102010001", name="六铺炕社区"),
    }


@pytest.fixture
def publish(db, superuser):
    """publish(model, committee, quantity=..., reach=..., category=..., **fields) by a new member unit there."""

    def make(
        model, committee, *, quantity=1, reach="street", category="health", owner_committee=False, **fields
    ):
        defaults = {
            "title": "社区健康义诊" if model is Need else "医院志愿者义诊",
            "description": "",
            "measure": "sessions",
            "contact_name": "张三",
            "contact_phone": "13812345678",
        }
        owner = (
            {"owner_committee": committee}
            if owner_committee
            else {"owner_unit": MembershipFactory(committee=committee, unit=MemberUnitFactory()).unit}
        )
        record = services.create_record(
            model,
            by=superuser,
            committee=committee,
            category=Category.objects.get(code=category),
            quantity=quantity,
            reach=reach,
            **owner,
            **{**defaults, **fields},
        )
        return services.publish_record(record, by=superuser)

    return make


@pytest.fixture
def city(area, superuser):
    """The hand-built 2025 data set with known figures (tests/matching/known_data.py)."""
    from tests.matching.known_data import build_city

    return build_city(area, superuser)


@pytest.fixture
def project(area, publish):
    """A confirmed project in 北新桥街道: 民安's care centre needs check-ups, the hospital provides them."""
    need = publish(Need, area["minan"], title="老人健康体检")
    resource = publish(Resource, area["jiudaowan"], title="医院志愿者义诊")
    proposal = Proposal.objects.create(
        need=need,
        resource=resource,
        provider_unit=resource.owner_unit,
        committee=area["beixinqiao"],
        quantity=1,
        need_side=Answer.ACCEPTED,
        provider_side=Answer.ACCEPTED,
        committee_decision=Decision.APPROVED,
        status=Proposal.Status.APPROVED,
    )
    return confirm.confirm(proposal.pk)


@pytest.fixture
def people(project, liaison_of, secretary_of, area):
    allocation = project.allocations.select_related("need", "resource").get()
    stranger_unit = MembershipFactory(committee=area["minan"], unit=MemberUnitFactory()).unit
    return {
        "need": liaison_of(allocation.need.owner_unit),
        "provider": liaison_of(allocation.resource.owner_unit),
        "secretary": secretary_of(area["beixinqiao"]),
        "other_secretary": secretary_of(area["desheng"]),
        "stranger": liaison_of(stranger_unit),
    }
