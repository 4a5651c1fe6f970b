"""Prove a backup restores: pg_restore it into a scratch database, compare every table's row count with the live
database, print them, drop the scratch database. Exits non-zero when a count differs or the restore fails.

    manage.py restore_check /var/backups/partyhub/partyhub-20261123-020000.dump

Run it right after the backup, or when nobody is writing: rows added since the dump show as differences.
"""

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from psycopg import sql

from committees import pg_tools


class Command(BaseCommand):
    help = "Restore a pg_dump file into <dbname>_restore_check and compare row counts with the live database."

    def add_arguments(self, parser):
        parser.add_argument("dumpfile", type=Path)
        parser.add_argument(
            "--keep-scratch", action="store_true", help="leave the scratch database for a look"
        )
        parser.add_argument(
            "--ignore",
            action="append",
            default=[],
            metavar="TABLE",
            help="print but do not compare this table (e.g. django_session on a site in use); repeatable",
        )

    def handle(self, *args, dumpfile: Path, keep_scratch: bool, ignore: list[str], **options):
        if not dumpfile.is_file():
            raise CommandError(f"no such file: {dumpfile}")
        try:
            db = pg_tools.settings_dict()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        scratch = f"{db['NAME']}_restore_check"
        with pg_tools.connect(db, "postgres") as admin:
            self._drop(admin, scratch)
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
            try:
                try:
                    pg_tools.restore(db, dumpfile, scratch)
                except subprocess.CalledProcessError as exc:
                    raise CommandError(f"pg_restore failed: {exc.stderr.strip()}") from exc
                with pg_tools.connect(db, scratch) as restored:
                    restored_counts = pg_tools.row_counts(restored)
                with pg_tools.connect(db, db["NAME"]) as live:
                    live_counts = pg_tools.row_counts(live)
            finally:
                if not keep_scratch:
                    self._drop(admin, scratch)
        differing = self._report(live_counts, restored_counts, set(ignore))
        if differing:
            raise CommandError(f"{len(differing)} table(s) differ: {', '.join(differing)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: {len(live_counts)} tables, {sum(live_counts.values())} rows, all counts equal"
            )
        )

    def _report(self, live: dict[str, int], restored: dict[str, int], ignored: set[str]) -> list[str]:
        tables = sorted(live.keys() | restored.keys())
        width = max(len(name) for name in tables) if tables else 5
        self.stdout.write(f"{'table':<{width}}  {'live':>10}  {'restored':>10}")
        differing = []
        for table in tables:
            a, b = live.get(table), restored.get(table)
            mark = "" if a == b else "  (ignored)" if table in ignored else "  <- differs"
            if a != b and table not in ignored:
                differing.append(table)
            self.stdout.write(f"{table:<{width}}  {_cell(a):>10}  {_cell(b):>10}{mark}")
        return differing

    def _drop(self, admin, name: str) -> None:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _cell(count: int | None) -> str:
    return "missing" if count is None else str(count)
