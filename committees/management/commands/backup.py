"""Back up the database with pg_dump (custom format) to a timestamped file; optionally keep only the newest N.

manage.py backup --output-dir /var/backups/partyhub --keep 14
"""

import os
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from committees import pg_tools


class Command(BaseCommand):
    help = "Back up the database with pg_dump -Fc to <output-dir>/<dbname>-<YYYYmmdd-HHMMSS>.dump."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=os.environ.get("BACKUP_DIR") or str(Path(settings.VAR_DIR) / "backups"),
            help="where the dump files go (default: $BACKUP_DIR or var/backups)",
        )
        parser.add_argument(
            "--keep", type=int, default=0, help="delete all but the newest N dumps (0: keep all)"
        )

    def handle(self, *args, output_dir, keep, **options):
        try:
            db = pg_tools.settings_dict()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        directory = Path(output_dir)
        directory.mkdir(parents=True, exist_ok=True)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = directory / f"{db['NAME']}-{stamp}.dump"
        partial = target.with_suffix(".dump.partial")  # never leave a half-written file under the final name
        try:
            pg_tools.dump(db, partial)
        except subprocess.CalledProcessError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {exc.stderr.strip()}") from exc
        partial.rename(target)
        self.stdout.write(f"{target} ({target.stat().st_size / 1e6:.1f} MB)")
        if keep > 0:
            dumps = sorted(directory.glob(f"{db['NAME']}-*.dump"), reverse=True)
            for old in dumps[keep:]:
                old.unlink()
                self.stdout.write(f"deleted {old}")
