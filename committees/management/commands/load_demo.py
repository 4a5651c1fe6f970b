"""Load the demo registry: Beijing's 16 districts, six real streets with communities, the Beixinqiao committee
with 54 member units and its seats, and demo people for every role. Running it twice changes nothing."""

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from committees import demo_data, demo_departments, services
from committees.models import (
    Category,
    CollectionRound,
    Committee,
    Level,
    Membership,
    MemberUnit,
    Need,
    Reach,
    Resource,
    Seat,
    User,
)
from committees.validators import make_credit_code


class Command(BaseCommand):
    help = "Load the demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true", help="print the URL and the demo logins")

    def handle(self, *args, print_logins=False, **options):
        with transaction.atomic():
            committees = self.load_committees()
            units = self.load_units(committees)
            self.load_people(committees, units)
            admin = self.load_admin()
            self.load_lists(committees, units, admin)
            self.load_round(committees)
            demo_departments.load(self.demo_user)  # 吹哨报到: departments, stations, people on duty
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {Committee.objects.count()} committees, {MemberUnit.objects.count()} member units, "
                f"{Seat.objects.count()} seats."
            )
        )
        if print_logins:
            self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write(
            "\nOpen http://127.0.0.1:8000/admin/ (secretaries) or http://127.0.0.1:8000/ (liaisons)."
        )
        self.stdout.write(f"Every demo login has the password {demo_data.DEMO_PASSWORD}:")
        self.stdout.write(f"  {'admin':22} superuser")
        for username, name, seats in demo_data.DEMO_PEOPLE:
            code, role, unit, _position = seats[0]
            where = unit or next(
                n
                for c, n in demo_data.DISTRICTS
                + [(s[0], s[1]) for s in demo_data.STREETS]
                + [
                    (f"{s[0]}{i:03d}", name)
                    for s in demo_data.STREETS
                    for i, name in enumerate(s[2], start=1)
                ]
                if c == code
            )
            self.stdout.write(f"  {username:22} {name} · {role} · {where}")
        self.stdout.write("")

    def load_committees(self) -> dict[str, Committee]:
        by_code: dict[str, Committee] = {}
        for code, name in demo_data.DISTRICTS:
            by_code[code], _ = Committee.objects.get_or_create(
                area_code=code, defaults={"level": Level.DISTRICT, "name": name}
            )
        for code, name, communities in demo_data.STREETS:
            street, _ = Committee.objects.get_or_create(
                area_code=code, defaults={"level": Level.STREET, "name": name, "parent": by_code[code[:6]]}
            )
            by_code[code] = street
            for index, community_name in enumerate(communities, start=1):
                community_code = f"{code}{index:03d}"
                by_code[community_code], _ = Committee.objects.get_or_create(
                    area_code=community_code,
                    defaults={"level": Level.COMMUNITY, "name": community_name, "parent": street},
                )
        return by_code

    def load_units(self, committees: dict[str, Committee]) -> dict[str, MemberUnit]:
        assert len(demo_data.BEIXINQIAO_UNITS) == 54, "the seeds say Beixinqiao has 54 member units"
        rng = random.Random(2026)  # fixed seed: the same contacts every time
        surnames, given = (
            "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗",
            "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚",
        )
        units: dict[str, MemberUnit] = {}
        rows = [(demo_data.BEIXINQIAO, name, kind) for name, kind in demo_data.BEIXINQIAO_UNITS]
        rows += demo_data.OTHER_UNITS
        beixinqiao_communities = [
            c for code, c in committees.items() if len(code) == 12 and code.startswith(demo_data.BEIXINQIAO)
        ]
        for serial, (street_code, name, kind) in enumerate(rows, start=1):
            unit, created = MemberUnit.objects.get_or_create(
                credit_code=make_credit_code(street_code[:6], 70_000_000 + serial),
                defaults={
                    "name": name,
                    "kind": kind,
                    "party_org_name": f"{name}党委"
                    if kind in ("central", "state_owned")
                    else f"{name}党支部",
                    "party_member_count": rng.randint(5, 400),
                    "address": f"北京市{committees[street_code[:6]].name}{committees[street_code].name}",
                    "contact_name": rng.choice(surnames) + rng.choice(given) + rng.choice(given),
                    "contact_phone": f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
                },
            )
            units[name] = unit
            role = (
                Membership.Role.CHAIR_UNIT
                if serial == 1
                else (
                    Membership.Role.VICE_CHAIR_UNIT if serial in (2, 16, 50) else Membership.Role.MEMBER_UNIT
                )
            )
            Membership.objects.get_or_create(
                unit=unit, committee=committees[street_code], until=None, defaults={"role": role}
            )
            # Some Beixinqiao units also sit on a community committee: a unit can serve at several levels.
            if street_code == demo_data.BEIXINQIAO and serial % 5 == 0:
                community = beixinqiao_communities[serial % len(beixinqiao_communities)]
                Membership.objects.get_or_create(unit=unit, committee=community, until=None)
        return units

    def load_people(self, committees: dict[str, Committee], units: dict[str, MemberUnit]) -> None:
        for username, name, seats in demo_data.DEMO_PEOPLE:
            user = self.demo_user(username, name)
            for code, role, unit_name, position in seats:
                Seat.objects.get_or_create(
                    committee=committees[code],
                    user=user,
                    role=role,
                    until=None,
                    defaults={"unit": units.get(unit_name) if unit_name else None, "position": position},
                )

    def load_round(self, committees) -> None:
        """An open collection round of the Beixinqiao committee: every member unit's dashboard asks for an answer."""
        street = committees[demo_data.BEIXINQIAO]
        if CollectionRound.objects.filter(committee=street, title=demo_data.DEMO_ROUND).exists():
            return
        today = timezone.localdate()
        services.open_collection_round(
            committee=street,
            by=User.objects.get(username="bxq_secretary"),
            title=demo_data.DEMO_ROUND,
            description="请各成员单位登记本单位可提供的服务资源和需要协调解决的需求。",
            opens_on=today,
            closes_on=today + datetime.timedelta(days=14),
        )

    def load_admin(self) -> User:
        admin = self.demo_user("admin", "系统管理员")
        if not admin.is_superuser:
            admin.is_superuser = admin.is_staff = True
            admin.save(update_fields=["is_superuser", "is_staff"])
        return admin

    def load_lists(self, committees, units, admin) -> None:
        """Published needs and resources of Beixinqiao units (through the services, with their history)."""
        street = demo_data.BEIXINQIAO
        for model, rows in ((Need, demo_data.DEMO_NEEDS), (Resource, demo_data.DEMO_RESOURCES)):
            for unit_name, community, category, title, description, quantity, measure in rows:
                unit = units[unit_name]
                committee = (
                    committees[street] if community is None else committees[f"{street}{community + 1:03d}"]
                )
                if model.objects.filter(owner_unit=unit, title=title).exists():
                    continue
                Membership.objects.get_or_create(unit=unit, committee=committee, until=None)
                record = services.create_record(
                    model,
                    by=admin,
                    owner_unit=unit,
                    committee=committee,
                    category=Category.objects.get(code=category),
                    title=title,
                    description=description,
                    quantity=quantity,
                    measure=measure,
                    contact_name=unit.contact_name,
                    contact_phone=unit.contact_phone,
                    reach=Reach.STREET,
                )
                services.publish_record(record, by=admin)

    def demo_user(self, username: str, name: str) -> User:
        user, created = User.objects.get_or_create(username=username, defaults={"name": name})
        if created:
            user.set_password(demo_data.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user
