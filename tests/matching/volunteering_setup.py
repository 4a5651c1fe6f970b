"""A small 双报到 world for the tests: 民安 and 九道湾 (北新桥) and 赵家楼 (建国门), a unit with its liaison, two
confirmed members of 民安 and one of 赵家楼."""

import datetime

from django.utils import timezone

from committees import services
from committees.models import Seat
from tests.factories import MembershipFactory, MemberUnitFactory, SeatFactory, UserFactory


def build(area):
    minan, zhaojialou = area["minan"], area["zhaojialou"]
    unit = MemberUnitFactory(name="北京市第六医院", contact_name="李主任", contact_phone="13900001111")
    MembershipFactory(unit=unit, committee=minan)
    liaison = SeatFactory(committee=minan, role=Seat.Role.LIAISON, unit=unit).user
    sec_minan = SeatFactory(committee=minan, role=Seat.Role.SECRETARY).user
    sec_zhao = SeatFactory(committee=zhaojialou, role=Seat.Role.SECRETARY).user
    sec_street = SeatFactory(committee=area["beixinqiao"], role=Seat.Role.SECRETARY).user

    def member(username, community, secretary, *, name, skills=("general",), unit_=unit, confirm=True):
        user = UserFactory(username=username)
        report = services.register_member(
            by=user,
            community=community,
            name=name,
            phone="13812345678",
            address="东城区北新桥三条8号院2-301",
            unit=unit_,
            unit_name="" if unit_ else "自由职业",
            skills=skills,
            availability="周末",
        )
        if confirm:
            report = services.confirm_member(by=secretary, report=report)
        return user, report

    wang, wang_report = member("wang", minan, sec_minan, name="王建国", skills=("medical", "duty"))
    zhang, zhang_report = member("zhang", minan, sec_minan, name="张秀兰", unit_=None)
    zhao, zhao_report = member("zhao", zhaojialou, sec_zhao, name="赵明", skills=("duty",))
    return {
        "unit": unit,
        "liaison": liaison,
        "sec_minan": sec_minan,
        "sec_zhao": sec_zhao,
        "sec_street": sec_street,
        "wang": wang,
        "wang_report": wang_report,
        "zhang": zhang,
        "zhang_report": zhang_report,
        "zhao": zhao,
        "zhao_report": zhao_report,
    }


def tomorrow(hour=9):
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
