"""Load benchmark: gunicorn on a loopback port against the configured PostgreSQL and Redis, driven by a separate
process (matching/management/loadgen.py) with N concurrent clients for T seconds.

    manage.py bench_load --profile api      # the API's list endpoints, 8 clients by token (district secretary, liaison)
    manage.py bench_load --profile pages    # member units' pages and the API, 50 logged-in liaisons for 60 s
    manage.py bench_load --profile public   # a street's public pages (公示, intake, ratings), 200 anonymous clients

Two profiles: `api` requests every list endpoint of /api/v1/ as a district secretary (东城区) and as a liaison, with
a token; `pages` logs 50 liaisons of different units in through the login form (CSRF and all) and requests their
dashboard, needs and resources lists, the claim hall, the resources within reach and the API lists by session.
`public` sends 200 anonymous residents (no login, no cookie but the CSRF one) to the public pages of one street
(`--street`, default the street with the most communities): the street's and each community's notice (公示,
served from the cache), each community's intake form (a CAPTCHA made per request) and the rating pages of the
street's completed projects.
`--generate` builds the city data set first when it is missing (`generate`, then `bench_matching --keep`: 100,000
needs and resources, and the proposals of a city run). gunicorn runs with the production settings unless told
otherwise, behind no proxy: the load generator sends X-Forwarded-Proto as the proxy would. API throttling is lifted
for the run (API_USER_RATE), everything else is as deployed. Prints a table per endpoint and overall, then one line
for machines:

    bench_load profile=P clients=C seconds=S requests=N rps=X p50_ms=A p95_ms=B p99_ms=C errors=E server_p95_ms=F

The p50/p95/p99 columns are end to end (what the client waited, queueing for a worker included); the `srv` columns
are the server's own time, from the Server-Timing header gunicorn's Django sends for the run (DJANGO_SERVER_TIMING).
"""

import datetime
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.urls import get_resolver, reverse

from committees.models import Committee, Level, Membership, Need, Project, Seat, User
from committees.services import access
from matching.management import bench

ROOT = Path(settings.BASE_DIR)
PASSWORD = "Bench@2026"
PAGES = [
    ("page: dashboard", "/"),
    ("page: own needs", "/needs/"),
    ("page: own resources", "/resources/"),
    ("page: claim hall", "/claim-hall/"),
    ("page: resources within reach", "/within-reach/"),
]
PAGES_API = ["needs", "resources", "proposals"]
PROFILES = {
    "api": {"clients": 8, "seconds": 30},
    "pages": {"clients": 50, "seconds": 60},
    "public": {"clients": 200, "seconds": 60},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api_list_paths() -> list[tuple[str, str]]:
    """Every parameterless list route of the API's routers (new endpoints join by themselves)."""
    names = sorted(
        name for name in get_resolver().reverse_dict if isinstance(name, str) and name.endswith("-list")
    )
    paths = []
    for name in names:
        try:
            path = reverse(name)
        except Exception:  # noqa: BLE001 - a list route with URL arguments: not a top-level list
            continue
        if path.startswith("/api/v1/"):
            paths.append((f"api: {path.removeprefix('/api/v1/').strip('/')}", path))
    return paths


class Command(BaseCommand):
    help = "Drive gunicorn (PostgreSQL, Redis) with concurrent clients from a separate process; latency and errors."

    def add_arguments(self, parser):
        parser.add_argument("--profile", choices=sorted(PROFILES), default="api")
        parser.add_argument("--clients", type=int, help="concurrent clients (api: 8, pages: 50)")
        parser.add_argument("--seconds", type=float, help="measured seconds (api: 30, pages: 60)")
        parser.add_argument("--warmup", type=float, default=3, help="unmeasured seconds before")
        parser.add_argument("--workers", type=int, help="gunicorn workers (default: config/gunicorn.conf.py)")
        parser.add_argument("--port", type=int, help="loopback port (default: a free one)")
        parser.add_argument("--settings-module", default="config.settings.production")
        parser.add_argument("--generate", action="store_true", help="build the city data set when missing")
        parser.add_argument("--needs", type=int, default=100_000, help="with --generate")
        parser.add_argument(
            "--pg-jit",
            choices=["server", "on", "off"],
            default="server",
            help="PostgreSQL's JIT for the web processes (PGOPTIONS); default: as the server is configured",
        )
        parser.add_argument("--timeout", type=float, default=120, help="seconds a client waits for an answer")
        parser.add_argument("--street", help="public: the street's division code (default: most communities)")

    def handle(self, *args, profile, clients, seconds, warmup, workers, port, settings_module, **options):
        if connection.vendor != "postgresql" or not settings.REDIS_URL:
            raise CommandError("bench_load needs DATABASE_URL=postgres://... and REDIS_URL=redis://...")
        clients = clients or PROFILES[profile]["clients"]
        seconds = seconds or PROFILES[profile]["seconds"]
        if options["generate"] and Need.objects.count() < options["needs"]:
            call_command("generate", stdout=self.stdout)
            call_command(
                "bench_matching", "--needs", options["needs"], "--resources", options["needs"], "--keep",
                stdout=self.stdout,
            )  # fmt: skip
        bench.analyze()
        if profile == "public":
            plan_clients = self.public_clients(clients, options.get("street"))
        else:
            plan_clients = self.api_clients(clients) if profile == "api" else self.page_clients(clients)
        self.stdout.write(
            f"data: {Need.objects.count()} needs, {Committee.objects.count()} committees; {clients} clients, "
            f"{len({entry[1] for c in plan_clients for entry in c['paths']})} paths, {seconds:.0f} s"
        )
        port = port or free_port()
        server = self.start_gunicorn(port, workers, settings_module, options["pg_jit"])
        try:
            plan = {
                "host": "127.0.0.1",
                "port": port,
                "seconds": seconds,
                "warmup": warmup,
                "timeout": options["timeout"],
                "headers": {"X-Forwarded-Proto": "https", "User-Agent": "bench_load"},
                "origin": f"https://127.0.0.1:{port}",
                "clients": plan_clients,
            }
            generator = subprocess.run(
                [sys.executable, "-m", "matching.management.loadgen"],
                input=json.dumps(plan),
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
            if generator.returncode:
                raise CommandError(f"the load generator failed:\n{generator.stderr[-3000:]}")
            result = json.loads(generator.stdout)
        finally:
            self.stop(server)
        self.report(profile, result)

    # --- who the clients are -----------------------------------------------------------------------------------

    def api_clients(self, count: int) -> list[dict]:
        """Half the clients as 东城区's secretary, half as a liaison, each with an API token."""
        district = Committee.objects.filter(level=Level.DISTRICT).order_by("area_code").first()
        if district is None:
            raise CommandError("No committees: run with --generate (or manage.py generate) first.")
        secretary = (
            User.objects.filter(seats__committee=district, seats__role=Seat.Role.SECRETARY, is_active=True)
            .order_by("pk")
            .first()
        ) or self.person("bench_secretary", district, Seat.Role.SECRETARY)
        liaison = self.liaisons(1)[0]
        paths = api_list_paths()
        identities = [("secretary", secretary), ("liaison", liaison)]
        # One token per identity, for a day: the secret exists only in this run.
        keys = {
            user.pk: access.issue_token(user=user, lifetime=datetime.timedelta(days=1))[1]
            for _r, user in identities
        }
        return [
            {
                "auth": {"token": keys[user.pk]},
                "paths": [(f"{name} ({role})", path) for name, path in paths],
                "accept": "application/json",
            }
            for n in range(count)
            for role, user in [identities[n % 2]]
        ]

    def page_clients(self, count: int) -> list[dict]:
        """One liaison per client, each of a different unit, logging in through the form."""
        api = [(f"api: {name} (session)", f"/api/v1/{name}/", "application/json") for name in PAGES_API]
        paths = PAGES + api
        return [
            {"auth": {"username": user.username, "password": PASSWORD}, "paths": paths, "accept": "text/html"}
            for user in self.liaisons(count)
        ]

    def public_clients(self, count: int, street_code: str | None) -> list[dict]:
        """Anonymous residents on one street's public pages, each starting at a different page."""
        streets = Committee.objects.filter(level=Level.STREET)
        street = (
            streets.filter(area_code=street_code).first()
            if street_code
            else streets.annotate(n=Count("children")).order_by("-n", "area_code").first()
        )
        if street is None:
            raise CommandError("No such street: load the demo or run with --generate first.")
        communities = list(street.children.order_by("area_code").values_list("area_code", flat=True))
        paths = [("public: street notice", reverse("public_notice", args=[street.area_code]))]
        paths += [("public: community notice", reverse("public_notice", args=[code])) for code in communities]
        paths += [("public: intake form", reverse("resident_intake", args=[code])) for code in communities]
        completed = Project.objects.filter(
            status=Project.Status.COMPLETED, committee__area_code__startswith=street.area_code
        ).values_list("pk", flat=True)[:10]
        paths += [("public: rating page", reverse("resident_rate", args=[pk])) for pk in completed]
        self.stdout.write(f"street: {street.name} ({street.area_code}), {len(communities)} communities")
        return [{"auth": {}, "paths": paths, "accept": "text/html"} for _n in range(count)]

    def liaisons(self, count: int) -> list[User]:
        """Liaisons of the units with the most published needs (created once, kept for the next run)."""
        units = [
            row["owner_unit"]
            for row in Need.objects.filter(owner_unit__isnull=False, status=Need.Status.PUBLISHED)
            .values("owner_unit")
            .annotate(n=Count("pk"))
            .order_by("-n", "owner_unit")[:count]
        ]
        if len(units) < count:
            raise CommandError(f"Only {len(units)} units own published needs: run with --generate first.")
        people = []
        for serial, unit_id in enumerate(units):
            committee = Membership.objects.filter(unit_id=unit_id).order_by("pk").first().committee
            people.append(self.person(f"bench_liaison_{serial:02d}", committee, Seat.Role.LIAISON, unit_id))
        return people

    def person(self, username: str, committee: Committee, role: str, unit_id: int | None = None) -> User:
        user, created = User.objects.get_or_create(username=username, defaults={"name": "压力测试"})
        if created or not user.check_password(PASSWORD):
            user.password = make_password(PASSWORD)
            user.save(update_fields=["password"])
        Seat.objects.filter(user=user).exclude(committee=committee, role=role, unit_id=unit_id).delete()
        Seat.objects.get_or_create(committee=committee, user=user, role=role, unit_id=unit_id, until=None)
        return user

    # --- the server ----------------------------------------------------------------------------------------------

    def start_gunicorn(
        self, port: int, workers: int | None, settings_module: str, jit: str
    ) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_STATIC_ROOT": str(Path(settings.VAR_DIR) / "bench-static"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "API_USER_RATE": "100000000/hour",
            "DJANGO_SERVER_TIMING": "1",  # Server-Timing on every answer: the server's time apart from queueing
        }
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        if jit != "server":
            env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} -c jit={jit}".strip()
        if settings_module.endswith("production"):  # hashed static names need the manifest
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env=env,
                check=True,
            )
        log = Path(settings.VAR_DIR) / "bench_load_gunicorn.log"
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"gunicorn exited; see {log}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            self.stop(server)
            raise CommandError(f"gunicorn did not listen on port {port} within 60 s; see {log}")
        self.stdout.write(
            f"gunicorn on 127.0.0.1:{port} ({settings_module}, {env.get('WEB_CONCURRENCY', 'default')} workers, "
            f"PostgreSQL JIT: {jit}), log in {log}"
        )
        return server

    def stop(self, server: subprocess.Popen) -> None:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(10)

    # --- the report ----------------------------------------------------------------------------------------------

    def report(self, profile: str, result: dict) -> None:
        header = (
            f"{'endpoint':<44}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
            f"{'srv p50':>9}{'srv p95':>9}{'srv max':>9}"
        )
        self.stdout.write(f"\n{header}\n{'-' * len(header)}")
        rows = [*result["endpoints"].items(), ("overall", result["overall"])]
        for name, row in rows:
            if name == "overall":
                self.stdout.write("-" * len(header))
            self.stdout.write(
                f"{name:<44}{row['requests']:>9}{row['rps']:>8.1f}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
                f"{row['p99_ms']:>9.1f}{row['errors']:>8}{ms(row.get('server_p50_ms')):>9}"
                f"{ms(row.get('server_p95_ms')):>9}{ms(row.get('server_max_ms')):>9}"
            )
        self.stdout.write(f"logins: {result['logins']}")
        for sample in result["error_samples"]:
            self.stdout.write(f"error: {sample}")
        overall = result["overall"]
        failed_logins = result["logins"].get("failed", 0)
        self.stdout.write(
            f"bench_load profile={profile} clients={result['clients']} seconds={result['seconds']} "
            f"requests={overall['requests']} rps={overall['rps']} p50_ms={overall['p50_ms']} "
            f"p95_ms={overall['p95_ms']} p99_ms={overall['p99_ms']} errors={overall['errors'] + failed_logins} "
            f"server_p95_ms={overall.get('server_p95_ms')}"
        )


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
