"""Demo summonses (吹哨报到) of 北新桥街道, through the services: one urgent and open (the person on duty of
东城区交通委 sees its countdown), one ordinary and closed with ratings (the departments' ranking has numbers), one
overdue and escalated (the admin home shows it). Running it twice changes nothing."""

import datetime

from django.utils import timezone

from committees.models import Committee, Department, User
from matching import summons as service
from matching.models import Summons, SummonsPart

STREET = "110101005"
TRAFFIC, CHENGGUAN, POLICE = "东城区交通委员会", "北新桥城管执法队", "北新桥派出所"


def _part(summons, name) -> SummonsPart:
    return SummonsPart.objects.get(summons=summons, department__name=name)


def load() -> int:
    street = Committee.objects.get(area_code=STREET)
    secretary = User.objects.get(username="bxq_secretary")
    traffic_duty = User.objects.get(username="dept_traffic")
    chengguan_duty = User.objects.get(username="dept_chengguan")
    departments = {d.name: d for d in Department.objects.filter(name__in=[TRAFFIC, CHENGGUAN, POLICE])}
    now = timezone.now()
    made = 0

    title = "簋街夜间占道经营与违停"
    if not Summons.objects.filter(committee=street, title=title).exists():
        raised = now - datetime.timedelta(days=12)
        summons = service.raise_summons(
            by=secretary,
            committee=street,
            departments=[departments[TRAFFIC], departments[CHENGGUAN]],
            title=title,
            description="居民反映簋街东段夜间占道经营、车辆违停，影响消防通道。",
            place="簋街东段（北新桥路口至东直门）",
            category=Summons.Category.CITY,
            urgency=Summons.Urgency.ORDINARY,
            now=raised,
        )
        for name, person, attendee, hours in (
            (TRAFFIC, traffic_duty, "马振华", 3),
            (CHENGGUAN, chengguan_duty, "何志明", 30),
        ):
            part = _part(summons, name)
            service.report(
                part=part, by=person, attendee_name=attendee, now=raised + datetime.timedelta(hours=hours)
            )
            service.record_handling(part=part, by=person, text="已到现场联合整治，设置临时停车引导。")
            service.finish_part(part=part, by=person, done=True, now=raised + datetime.timedelta(days=3))
        service.close_summons(
            summons=summons,
            by=secretary,
            resolved=True,
            note="联合整治后占道经营明显减少，停车秩序好转。",
            ratings={_part(summons, TRAFFIC).pk: (5, 5, 4), _part(summons, CHENGGUAN).pk: (3, 4, 4)},
            now=raised + datetime.timedelta(days=4),
        )
        made += 1

    title = "北新桥三条路口积水"
    if not Summons.objects.filter(committee=street, title=title).exists():
        service.raise_summons(
            by=secretary,
            committee=street,
            departments=[departments[TRAFFIC], departments[CHENGGUAN]],
            title=title,
            description="暴雨后路口积水约30厘米，车辆无法通行，需排水和交通疏导。",
            place="北新桥三条东口",
            category=Summons.Category.EMERGENCY,
            urgency=Summons.Urgency.URGENT,
        )
        made += 1

    title = "民安小区楼道电动自行车充电隐患"
    if not Summons.objects.filter(committee=street, title=title).exists():
        raised = now - datetime.timedelta(hours=6)
        service.raise_summons(
            by=secretary,
            committee=street,
            departments=[departments[POLICE]],
            title=title,
            place="民安小区5号楼",
            category=Summons.Category.SAFETY,
            urgency=Summons.Urgency.URGENT,
            now=raised,
        )
        service.chase(now=now)  # reminded at its deadline, then escalated: the admin home shows it overdue
        made += 1
    return made
