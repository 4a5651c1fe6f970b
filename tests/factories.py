"""factory-boy factories named after the domain (tests only: the demo and the generators build their data without
them, so factory-boy is a development dependency)."""

import itertools

import factory
from factory.django import DjangoModelFactory

from committees.models import Committee, Level, Membership, MemberUnit, Seat, UnitKind, User
from committees.validators import make_credit_code

_unit_serial = itertools.count(10_000_001)

UNIT_SUFFIXES = {
    UnitKind.CENTRAL: ["总公司", "研究院", "总会"],
    UnitKind.MUNICIPAL: ["市政管理中心", "市属医院", "市档案馆"],
    UnitKind.DISTRICT: ["区卫生健康委员会", "区文化馆", "区图书馆"],
    UnitKind.DISPATCHED: ["派出所", "市场监管所", "税务所", "司法所"],
    UnitKind.STATE_OWNED: ["供电公司", "燃气集团分公司", "银行支行"],
    UnitKind.NON_PUBLIC: ["科技有限公司", "商贸有限公司", "物业服务有限公司"],
    UnitKind.SOCIAL: ["社会工作服务中心", "志愿者协会", "养老服务中心"],
    UnitKind.PUBLIC_INSTITUTION: ["小学", "中学", "社区卫生服务中心", "医院"],
}


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Faker("name", locale="zh_CN")
    phone = factory.Faker("phone_number", locale="zh_CN")
    password = factory.django.Password("pass-1234")


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ["area_code"]

    level = Level.DISTRICT
    parent = None
    name = factory.Sequence(lambda n: f"测试{n}区")
    area_code = factory.Sequence(lambda n: f"11{n % 10000:04d}")


class StreetFactory(DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ["area_code"]

    level = Level.STREET
    parent = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"测试{n}街道")
    area_code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.area_code}{n % 1000:03d}")


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ["area_code"]

    level = Level.COMMUNITY
    parent = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试{n}社区")
    area_code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.area_code}{n % 1000:03d}")


class MemberUnitFactory(DjangoModelFactory):
    class Meta:
        model = MemberUnit

    class Params:
        division = "110101"

    kind = factory.Iterator([choice for choice, _label in UnitKind.choices])
    name = factory.LazyAttributeSequence(
        lambda o, n: f"{o.company_prefix}{UNIT_SUFFIXES[o.kind][n % len(UNIT_SUFFIXES[o.kind])]}"
    )
    company_prefix = factory.Faker("company_prefix", locale="zh_CN")
    credit_code = factory.LazyAttribute(lambda o: make_credit_code(o.division, next(_unit_serial)))
    party_org_name = factory.LazyAttribute(lambda o: f"{o.name}党支部")
    party_member_count = factory.Faker("random_int", min=3, max=300)
    address = factory.Faker("street_address", locale="zh_CN")
    contact_name = factory.Faker("name", locale="zh_CN")
    contact_phone = factory.Faker("phone_number", locale="zh_CN")

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs.pop("company_prefix", None)
        return kwargs


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    unit = factory.SubFactory(MemberUnitFactory)
    committee = factory.SubFactory(StreetFactory)
    role = Membership.Role.MEMBER_UNIT


class SeatFactory(DjangoModelFactory):
    class Meta:
        model = Seat

    committee = factory.SubFactory(StreetFactory)
    user = factory.SubFactory(UserFactory)
    role = Seat.Role.MEMBER
    unit = None
    position = ""


# --- 吹哨报到: departments and the people acting for them ------------------------------------------------------


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = "committees.Department"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"区交通委{n}")
    kind = "department"
    district = factory.SubFactory(DistrictFactory)

    @factory.post_generation
    def streets(self, create, extracted, **kwargs):
        if create and extracted:
            self.streets.set(extracted)


class DutySeatFactory(DjangoModelFactory):
    class Meta:
        model = "committees.DutySeat"

    department = factory.SubFactory(DepartmentFactory)
    user = factory.SubFactory(UserFactory)
    role = "on_duty"
