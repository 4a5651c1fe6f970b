"""Demo departments and stations (吹哨报到) of 东城区 and 西城区, from the seeds' "1+5+N" law-enforcement platform:
a street's 城管执法队 at its centre; 公安, 消防, 交通, 市场监管 stationed; 房管, 规划, 园林, 文化 named people on
call (明确专人随叫随到). The district departments cover every demo street of their district; the stations their own
street. Logins for the person on duty of 东城区交通委 and 北新桥城管执法队. Running it twice changes nothing."""

from committees.models import Committee, Department, DutySeat, Level

# District departments (职能部门): (suffix of the district's name, duty line).
DISTRICT_DEPARTMENTS = [
    ("交通委员会", "010-64011001"),
    ("城市管理委员会", "010-64011002"),
    ("住房和城乡建设委员会", "010-64011003"),
    ("园林绿化局", "010-64011004"),
    ("文化和旅游局", "010-64011005"),
    ("规划和自然资源分局", "010-64011006"),
]
# Local stations (科站队所) of each demo street: suffixes of the street's short name.
STATIONS = ["城管执法队", "派出所", "市场监管所", "房管所", "消防救援站", "交通支队"]
DISTRICTS = {"110101": "东城区", "110102": "西城区"}
# username, name, department name, role, position
DUTY_PEOPLE = [
    ("dept_traffic", "马振华", "东城区交通委员会", DutySeat.Role.ON_DUTY, "交通委吹哨报到专人"),
    ("dept_traffic_leader", "高建军", "东城区交通委员会", DutySeat.Role.LEADER, "交通委副主任"),
    ("dept_chengguan", "何志明", "北新桥城管执法队", DutySeat.Role.ON_DUTY, "执法队值班队长"),
]


def _short(street_name: str) -> str:
    return street_name.removesuffix("街道")


def load(demo_user) -> int:
    """Create the departments, their streets and duty seats; `demo_user(username, name)` makes a demo login."""
    created = 0
    for code, district_name in DISTRICTS.items():
        district = Committee.objects.get(area_code=code, level=Level.DISTRICT)
        streets = list(Committee.objects.filter(parent=district, level=Level.STREET).order_by("area_code"))
        for suffix, phone in DISTRICT_DEPARTMENTS:
            department, made = Department.objects.get_or_create(
                district=district,
                name=f"{district_name}{suffix}",
                defaults={"kind": Department.Kind.DEPARTMENT, "duty_phone": phone},
            )
            department.streets.add(*streets)
            created += made
        for street in streets:
            for suffix in STATIONS:
                department, made = Department.objects.get_or_create(
                    district=district,
                    name=f"{_short(street.name)}{suffix}",
                    defaults={"kind": Department.Kind.STATION, "address": street.name},
                )
                department.streets.add(street)
                created += made
    for username, name, department_name, role, position in DUTY_PEOPLE:
        user = demo_user(username, name)
        DutySeat.objects.get_or_create(
            department=Department.objects.get(name=department_name),
            user=user,
            role=role,
            until=None,
            defaults={"position": position},
        )
    return created
