"""What the benchmark commands share: PostgreSQL only, a generated city to run on, an inactive user that owns
the generated records, and fresh planner statistics after bulk writes (autovacuum may be off on the machine)."""

from django.core.management import CommandError, call_command
from django.db import connection

from committees.models import Committee, User

CITY_COMMUNITIES = 7000


def require_postgres(command: str) -> None:
    if connection.vendor != "postgresql":
        raise CommandError(f"{command} needs PostgreSQL: set DATABASE_URL=postgres://...")


def ensure_city(
    stdout, *, communities: int = CITY_COMMUNITIES, streets: int = 333, units: int = 50_000
) -> None:
    """Generate the city's committees and units unless at least `communities` communities are there."""
    if Committee.objects.filter(level="community").count() >= communities:
        return
    call_command(
        "generate",
        "--districts",
        "16",
        "--streets",
        str(streets),
        "--communities",
        str(communities),
        "--units",
        str(units),
        "--no-secretaries",
        stdout=stdout,
    )


def bench_user(username: str) -> User:
    """The inactive user the benchmark's records are created by (and cleared by)."""
    return User.objects.get_or_create(username=username, defaults={"name": "基准测试", "is_active": False})[0]


def analyze() -> None:
    """Fresh planner statistics, as autovacuum keeps them after bulk inserts."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
