"""Time the ledgers' import on a file of N rows, through the code path of the admin's import page.

    manage.py bench_import --rows 10000 [--model need|resource] [--as superuser|secretary] [--publish]

Builds a small registry (a district, a street with five communities, 20 member units, a secretary), writes an xlsx
of N valid rows in memory, imports it, exports the ledger of what it imported, then imports the same file with one
bad row and checks that nothing is written.
Everything runs in one transaction that is rolled back, so the command can run again and leaves no rows behind.
"""

import random
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from committees import demo_data, ledgers
from committees.models import (
    Category,
    Committee,
    Level,
    Measure,
    Membership,
    MemberUnit,
    Need,
    Reach,
    Resource,
    Seat,
    User,
)
from committees.validators import make_credit_code

BENCH_DISTRICT = "119970"  # outside the demo's and the generator's codes


class _RollBack(Exception):
    pass


class Command(BaseCommand):
    help = "Time the xlsx import of needs or resources (everything is rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--model", choices=["need", "resource"], default="need")
        parser.add_argument("--as", dest="role", choices=["secretary", "superuser"], default="secretary")
        parser.add_argument("--publish", action="store_true", help="publish each record as it is imported")

    def handle(self, *args, rows, model, role, publish, **options):
        if not 1 <= rows <= ledgers.MAX_IMPORT_ROWS:
            raise CommandError(f"--rows must be between 1 and {ledgers.MAX_IMPORT_ROWS}")
        model = Need if model == "need" else Resource
        try:
            with transaction.atomic():
                self.run(model, rows, role, publish)
                raise _RollBack
        except _RollBack:
            pass
        self.stdout.write(f"rolled back; {model._meta.model_name} rows now: {model.objects.count()}")

    def run(self, model, rows: int, role: str, publish: bool) -> None:
        user, homes = self.registry(role)
        started = time.perf_counter()
        content = self.workbook(model, rows, homes)
        self.stdout.write(
            f"{connection.vendor}: built the file: {rows} rows, {len(content) / 1e6:.1f} MB, "
            f"{time.perf_counter() - started:.1f} s"
        )

        before = model.objects.count()
        started = time.perf_counter()
        result = ledgers.import_file(
            model, SimpleUploadedFile("bench.xlsx", content), by=user, publish=publish
        )
        seconds = time.perf_counter() - started
        created = model.objects.count() - before
        if result.errors or created != rows:
            raise CommandError(f"import failed: created {created}, errors {result.errors[:5]}")
        self.stdout.write(
            f"{connection.vendor}: import rows={rows} seconds={seconds:.2f} rows/s={rows / seconds:,.0f} "
            f"(as {role}{', published' if publish else ''})"
        )

        started = time.perf_counter()
        imported = model.objects.filter(committee__area_code__startswith=BENCH_DISTRICT)
        content, exported = ledgers.records_ledger(user, imported, in_full=True)
        self.stdout.write(
            f"{connection.vendor}: export in full rows={exported} seconds={time.perf_counter() - started:.2f}"
        )

        before = model.objects.count()
        bad = self.workbook(model, rows, homes, bad_row=rows // 2)
        started = time.perf_counter()
        result = ledgers.import_file(model, SimpleUploadedFile("bad.xlsx", bad), by=user, publish=publish)
        seconds = time.perf_counter() - started
        written = model.objects.count() - before
        if written or not result.errors:
            raise CommandError(f"the bad file wrote {written} rows with errors {result.errors[:5]}")
        self.stdout.write(
            f"{connection.vendor}: one bad row: rows={rows} seconds={seconds:.2f} written={written} "
            f"errors={result.errors}"
        )

    def registry(self, role: str):
        """A district, a street with five communities, 20 units (one in four on the street), and the importer."""
        district = _committee(Level.DISTRICT, None, BENCH_DISTRICT, "基准区")
        street = _committee(Level.STREET, district, f"{BENCH_DISTRICT}001", "基准街道")
        communities = [
            _committee(Level.COMMUNITY, street, f"{street.area_code}{n:03d}", f"基准{n}社区")
            for n in range(1, 6)
        ]
        homes = [(street, None)]  # (home committee, owner unit): None is the committee itself
        rng = random.Random(BENCH_DISTRICT)
        for index in range(20):
            committee = street if index % 4 == 0 else communities[index % 5]
            unit, _created = MemberUnit.objects.get_or_create(
                credit_code=make_credit_code(BENCH_DISTRICT, 30_000_000 + index),
                defaults=demo_data.sample_unit(rng, index),
            )
            Membership.objects.get_or_create(
                unit=unit, committee=committee, defaults={"since": timezone.localdate()}
            )
            homes.append((committee, unit))
        user, _created = User.objects.get_or_create(username=f"bench_import_{role}")
        if role == "superuser":
            User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
            user.refresh_from_db()
        else:
            Seat.objects.get_or_create(
                user=user,
                committee=street,
                role=Seat.Role.SECRETARY,
                defaults={"since": timezone.localdate()},
            )
        return user, homes

    def workbook(self, model, rows: int, homes, bad_row: int | None = None) -> bytes:
        columns = ledgers.import_columns(model)
        categories = list(Category.objects.filter(is_active=True).values_list("name", "code"))
        measures, reaches = Measure.labels, [Reach.COMMUNITY.label, Reach.STREET.label, "district"]

        def row(n: int) -> list:
            committee, unit = homes[n % len(homes)]
            name, code = categories[n % len(categories)]
            values = {
                "owner_unit": unit.credit_code if unit else "",
                "committee": committee.area_code,
                "category": "没有这个类别" if n == bad_row else (name if n % 2 else code),
                "title": f"基准记录{n}：楼道照明维修与助餐服务",
                "description": "用于计时的导入行。" * 3,
                "quantity": 1 + n % 50,
                "measure": str(measures[n % len(measures)]),
                "reach": str(reaches[n % len(reaches)]),
                "beneficiaries": "社区居民",
                "contact_name": "王芳",
                "contact_phone": f"138{n:08d}",
                "deadline": "2027-06-30",
                "urgency": "",
                "source": "",
                "kind": "",
                "available_from": "2027-01-01",
                "available_until": "2027-12-31",
                "booking": "",
            }
            return [values[column.key] for column in columns]

        return ledgers.build_workbook(
            "bench", [str(c.header) for c in columns], (row(n) for n in range(rows))
        )


def _committee(level: str, parent, code: str, name: str) -> Committee:
    committee, _created = Committee.objects.get_or_create(
        area_code=code, defaults={"level": level, "parent": parent, "name": name}
    )
    return committee
