"""Load a year of demo activity in 北新桥街道 on top of load_demo and load_demo_outcomes (idempotent, seconds):
see matching/management/demo_year.py."""

from django.core.management.base import BaseCommand, CommandError

from committees.models import Committee, User
from matching.management import demo_year


class Command(BaseCommand):
    help = "Load a year of demo activity in Beixinqiao (idempotent)."

    def handle(self, *args, **options):
        if (
            not User.objects.filter(username="bxq_secretary").exists()
            or not Committee.objects.filter(area_code="110101005").exists()
        ):
            raise CommandError("Run load_demo first.")
        demo_year.build(self.stdout)
