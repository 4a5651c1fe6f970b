"""Build a Beijing-sized registry with bulk inserts, on the same factories as the tests, and time it.

    manage.py generate --districts 16 --streets 333 --communities 7000 --units 50000

Streets and communities are spread evenly; each unit is a member of one community or street committee (one in
ten also of its district). Codes are deterministic, so running it again adds nothing that already exists.
Generated street codes start at 400 to stay clear of real ones loaded by load_demo.
"""

import random
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from committees import demo_data
from committees.models import Committee, Level, Membership, MemberUnit, Seat, User
from committees.validators import make_credit_code

BATCH = 5000
GENERATED_STREET_START = 400


class Command(BaseCommand):
    help = "Generate a Beijing-sized registry (committees, member units, memberships, secretaries)."

    def add_arguments(self, parser):
        parser.add_argument("--districts", type=int, default=16)
        parser.add_argument("--streets", type=int, default=333)
        parser.add_argument("--communities", type=int, default=7000)
        parser.add_argument("--units", type=int, default=50000)
        parser.add_argument(
            "--no-secretaries", action="store_true", help="do not create a secretary per district and street"
        )

    def handle(self, *args, districts, streets, communities, units, no_secretaries, **options):
        if not 1 <= districts <= 99 or streets < districts or communities < streets or units < 0:
            raise CommandError(
                "Need 1-99 districts, at least one street per district and one community per street."
            )
        if streets > districts * (1000 - GENERATED_STREET_START) or communities > streets * 999:
            raise CommandError(
                "Too many streets per district or communities per street for the division codes."
            )
        started = time.perf_counter()
        with transaction.atomic():
            district_rows = self.make_districts(districts)
            street_rows = self.make_children(
                district_rows, streets, Level.STREET, start=GENERATED_STREET_START
            )
            community_rows = self.make_children(street_rows, communities, Level.COMMUNITY, start=1)
            unit_count, membership_count = self.make_units(units, street_rows, community_rows)
            secretaries = 0 if no_secretaries else self.make_secretaries(district_rows + street_rows)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"generate districts={len(district_rows)} streets={len(street_rows)} communities={len(community_rows)} "
            f"units={unit_count} memberships={membership_count} secretaries={secretaries} seconds={elapsed:.1f}"
        )

    def make_districts(self, count: int) -> list[Committee]:
        named = demo_data.DISTRICTS[:count] + [
            (f"11{90 + i:02d}00", f"生成{i + 1}区") for i in range(count - 16)
        ]
        Committee.objects.bulk_create(
            [Committee(level=Level.DISTRICT, name=name, area_code=code) for code, name in named],
            ignore_conflicts=True,
        )
        return list(Committee.objects.filter(area_code__in=[code for code, _ in named]).order_by("area_code"))

    def make_children(self, parents: list[Committee], total: int, level: str, start: int) -> list[Committee]:
        suffix = "街道" if level == Level.STREET else "社区"
        rows = []
        for index in range(total):
            parent = parents[index % len(parents)]
            number = start + index // len(parents)
            code = f"{parent.area_code}{number:03d}"
            rows.append(
                Committee(
                    level=level,
                    parent=parent,
                    name=f"{parent.name.removesuffix('区')}{number}{suffix}",
                    area_code=code,
                )
            )
        Committee.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        codes = [row.area_code for row in rows]
        found: list[Committee] = []
        for offset in range(0, len(codes), BATCH):
            found.extend(Committee.objects.filter(area_code__in=codes[offset : offset + BATCH]))
        return sorted(found, key=lambda c: c.area_code)

    def make_units(
        self, total: int, streets: list[Committee], communities: list[Committee]
    ) -> tuple[int, int]:
        units_before, memberships_before = MemberUnit.objects.count(), Membership.objects.count()
        rng = random.Random(2026)  # the same city every time
        pool = [demo_data.sample_unit(rng, serial) for serial in range(min(total, 2000))]
        homes = []
        for offset in range(0, total, BATCH):
            batch = []
            for serial in range(offset, min(offset + BATCH, total)):
                # Four in five units sit on a community committee, the rest on a street committee.
                home = (
                    communities[serial % len(communities)] if serial % 5 else streets[serial % len(streets)]
                )
                batch.append(
                    MemberUnit(
                        **pool[serial % len(pool)],
                        credit_code=make_credit_code(home.area_code[:6], 20_000_000 + serial),
                    )
                )
                homes.append(home)
            MemberUnit.objects.bulk_create(batch, batch_size=BATCH, ignore_conflicts=True)
        codes = [
            make_credit_code(home.area_code[:6], 20_000_000 + serial) for serial, home in enumerate(homes)
        ]
        ids: dict[str, int] = {}
        for offset in range(0, len(codes), BATCH):
            ids.update(
                MemberUnit.objects.filter(credit_code__in=codes[offset : offset + BATCH]).values_list(
                    "credit_code", "pk"
                )
            )
        district_by_code = {c.area_code: c for c in Committee.objects.filter(level=Level.DISTRICT)}
        memberships = []
        for serial, (code, home) in enumerate(zip(codes, homes, strict=True)):
            memberships.append(Membership(unit_id=ids[code], committee=home))
            if serial % 10 == 0:
                memberships.append(
                    Membership(unit_id=ids[code], committee=district_by_code[home.area_code[:6]])
                )
        Membership.objects.bulk_create(memberships, batch_size=BATCH, ignore_conflicts=True)
        return MemberUnit.objects.count() - units_before, Membership.objects.count() - memberships_before

    def make_secretaries(self, committees: list[Committee]) -> int:
        password = make_password(demo_data.DEMO_PASSWORD)  # hash once: 350 hashes would dominate the run
        # Not the factory: its Password declaration would hash each one again.
        users = [
            User(username=f"sec_{c.area_code}", name=f"{c.name}秘书", password=password) for c in committees
        ]
        User.objects.bulk_create(users, batch_size=BATCH, ignore_conflicts=True)
        ids = dict(
            User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk")
        )
        seats = [
            Seat(committee=c, user_id=ids[f"sec_{c.area_code}"], role=Seat.Role.SECRETARY) for c in committees
        ]
        before = Seat.objects.count()
        Seat.objects.bulk_create(seats, batch_size=BATCH, ignore_conflicts=True)
        return Seat.objects.count() - before
