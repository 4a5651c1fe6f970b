"""A crawler over the API, the admin and the web pages, as one logged-in user; URLs discovered, never hand-listed.

- API: every router registered under /api/v1/ (found through the URL resolver): each list, the detail of the
  first rows it returns, and the detail actions that answer GET (a topic's comments and tally).
- Admin: every model admin of config.admin's site: the changelist, the add page, every extra page of its own
  without a parameter (imports, templates), and for the first rows on the list their change page, history page,
  first history record and extra pages by id (a meeting's print view).
- Pages: the URL patterns of committees.urls and matching.urls without a parameter (the kinds expanded), then
  the links found on those pages that resolve to the same patterns (details, answers, topics, projects, results),
  breadth first, a few per pattern.

Every request runs in a savepoint that is rolled back (a GET must change nothing, and a database error in one
view must not poison the next); exceptions are collected, never raised.
"""

import io
import re
import time
import traceback
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from rest_framework.routers import BaseRouter

from config.admin import admin_site
from tests.permissions.demo import undone
from tests.permissions.personal_data import Secrets

ROWS_PER_LIST = 3  # detail, change and history pages opened per list
VERSIONS_PER_LIST = 1  # history records opened per list (a record's form is the slowest admin page)
LINKS_PER_PATTERN = 3  # pages opened per URL pattern (and per kind of record) when following links
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HREF = re.compile(r'href="(/[^"#]*)')


@dataclass
class Hit:
    surface: str  # api, admin, page
    url: str
    status: int
    error: str = ""  # the exception of a 5xx, in one line
    trace: str = ""  # its traceback, last frames
    seconds: float = 0.0


@dataclass
class Leak:
    url: str
    value: str
    origin: str


@dataclass
class Crawl:
    username: str
    hits: list[Hit] = field(default_factory=list)
    leaks: list[Leak] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0

    @property
    def server_errors(self) -> list[Hit]:
        return [hit for hit in self.hits if hit.status >= 500]

    def summary(self) -> str:
        per_surface = []
        for surface, label in (("api", "API calls"), ("admin", "admin pages"), ("page", "pages")):
            hits = [hit for hit in self.hits if hit.surface == surface]
            statuses = Counter(hit.status for hit in hits)
            shown = " ".join(f"{status}×{n}" for status, n in sorted(statuses.items()))
            per_surface.append(f"{label} {len(hits)} ({shown})")
        return (
            f"{self.username:20} {' · '.join(per_surface)} · 5xx {len(self.server_errors)} · "
            f"leaks {len(self.leaks)} · {self.seconds:.1f}s ({self.cpu_seconds:.1f}s CPU)"
        )


# --- Discovery ----------------------------------------------------------------------------------------------


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
            if isinstance(getattr(pattern.urlconf_module, "router", None), BaseRouter):
                yield prefix + str(pattern.pattern), pattern.urlconf_module.router
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def api_endpoints() -> list[tuple[str, list[str]]]:
    """(list URL, [detail actions answering GET]) of every viewset with a list, from the routers under /api/."""
    endpoints: dict[str, list[str]] = {}
    for prefix, router in _walk(get_resolver().url_patterns):
        if not isinstance(router, BaseRouter):
            continue
        for route, viewset, _basename in router.registry:
            if not hasattr(viewset, "list"):
                continue
            actions = [
                action.url_path
                for action in viewset.get_extra_actions()
                if action.detail and "get" in action.mapping
            ]
            endpoints.setdefault(f"/{prefix}{route}/", []).extend(actions)
    return sorted(endpoints.items())


def page_patterns() -> dict[str, URLPattern]:
    """The web pages' URL patterns by name: those of committees.urls and matching.urls."""
    from committees import urls as registry_urls
    from matching import urls as pipeline_urls

    return {p.name: p for p in [*pipeline_urls.urlpatterns, *registry_urls.urlpatterns] if p.name}


def page_seeds() -> list[str]:
    """The pages without a parameter, every kind of record expanded."""
    seeds = []
    for name, pattern in page_patterns().items():
        converters = pattern.pattern.converters
        if not converters:
            seeds.append(reverse(name))
        elif set(converters) == {"kind"}:
            kinds = converters["kind"].regex.split("|")
            seeds.extend(reverse(name, kwargs={"kind": kind}) for kind in kinds)
    return seeds


# --- The crawl ----------------------------------------------------------------------------------------------


class Crawler:
    def __init__(self, user, secrets: Secrets):
        self.client = Client(raise_request_exception=False)
        self.client.force_login(user)
        self.secrets = secrets
        self.result = Crawl(user.username)
        self.seen: set[str] = set()

    def get(self, surface: str, url: str):
        if url in self.seen:
            return None
        self.seen.add(url)
        started = time.monotonic()
        with undone():
            response = self.client.get(url)
        hit = Hit(surface, url, response.status_code, seconds=time.monotonic() - started)
        if response.status_code >= 500:
            exc_info = getattr(response, "exc_info", None)
            if exc_info:
                hit.error = (
                    f"{exc_info[0].__name__}: {str(exc_info[1]).splitlines()[0] if str(exc_info[1]) else ''}"
                )
                hit.trace = "".join(traceback.format_tb(exc_info[2])[-3:])
        self.result.hits.append(hit)
        text = self.text_of(response)
        for value, origin in self.secrets.found_in(text):
            self.result.leaks.append(Leak(url, value, origin))
        return response, text

    @staticmethod
    def text_of(response) -> str:
        if getattr(response, "streaming", False):
            return b"".join(response.streaming_content).decode("utf-8", "replace")
        if response.get("Content-Type", "").startswith(XLSX):
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(response.content), read_only=True)
            return "\n".join(
                str(cell)
                for sheet in book
                for row in sheet.iter_rows(values_only=True)
                for cell in row
                if cell
            )
        return response.content.decode("utf-8", "replace")

    def run(self) -> Crawl:
        started, cpu = time.monotonic(), time.process_time()
        self.crawl_api()
        self.crawl_admin()
        self.crawl_pages()
        self.result.seconds = time.monotonic() - started
        self.result.cpu_seconds = time.process_time() - cpu
        return self.result

    def crawl_api(self) -> None:
        root = reverse("api-root")
        self.get("api", root)
        for list_url, detail_actions in api_endpoints():
            got = self.get("api", list_url)
            if not got or got[0].status_code != 200:
                continue
            body = got[0].json()
            rows = body.get("results", []) if isinstance(body, dict) else body
            for row in rows[:ROWS_PER_LIST]:
                if not isinstance(row, dict) or "id" not in row:
                    continue
                self.get("api", f"{list_url}{row['id']}/")
                for action in detail_actions:
                    self.get("api", f"{list_url}{row['id']}/{action}/")

    def crawl_admin(self) -> None:
        self.get("admin", reverse("admin:index"))
        for model, model_admin in admin_site._registry.items():
            info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            changelist = reverse(f"{info}_changelist")
            got = self.get("admin", changelist)
            if not got or got[0].status_code != 200:
                continue
            self.get("admin", reverse(f"{info}_add"))
            ids = list(dict.fromkeys(re.findall(rf'href="{re.escape(changelist)}(\d+)/change/', got[1])))
            extra = [p for p in model_admin.get_urls() if isinstance(p, URLPattern) and p.name]
            for pattern in extra:
                if not pattern.pattern.converters and not pattern.pattern.regex.groups:
                    self.get("admin", reverse(f"admin:{pattern.name}"))
            for row, object_id in enumerate(ids[:ROWS_PER_LIST]):
                self.get("admin", reverse(f"{info}_change", args=[object_id]))
                history = self.get("admin", reverse(f"{info}_history", args=[object_id]))
                if history and history[0].status_code == 200 and row < VERSIONS_PER_LIST:
                    versions = re.findall(
                        rf'href="{re.escape(changelist)}{object_id}/history/(\d+)/"', history[1]
                    )
                    if versions:
                        self.get("admin", f"{changelist}{object_id}/history/{versions[0]}/")
                for pattern in extra:
                    if set(pattern.pattern.converters) == {"pk"}:
                        self.get("admin", reverse(f"admin:{pattern.name}", kwargs={"pk": object_id}))

    def crawl_pages(self) -> None:
        patterns = page_patterns()
        opened: Counter = Counter()
        queue = deque(page_seeds())
        while queue:
            url = queue.popleft()
            got = self.get("page", url)
            if not got or got[0].status_code != 200 or "html" not in got[0].get("Content-Type", ""):
                continue
            for href in HREF.findall(got[1]):
                href = href.replace("&amp;", "&")
                try:
                    match = resolve(urlsplit(href).path)
                except Resolver404:
                    continue
                if match.url_name not in patterns or href in self.seen:
                    continue
                key = (match.url_name, match.kwargs.get("kind"))
                if opened[key] >= LINKS_PER_PATTERN:
                    continue
                opened[key] += 1
                queue.append(href)
