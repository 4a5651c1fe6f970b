"""The crawl over the demo (issue 12): as each demo login of the README, every API list and detail, every admin
list, add, change and history page, and the web pages the login can reach: no response ≥ 500, and no personal
data in full where the login should see it masked. Prints one summary line per login, and every 5xx and leak.

Product defects the crawl found are listed in DEFECTS: the test of each login they affect is marked xfail
(strict) until the fix lands, and `test_only_known_defects_remain` fails at once on any 5xx or leak that no
listed defect explains, so a marked login still catches new ones.
"""

import logging
import re
import time
from collections import Counter
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from rest_framework.throttling import UserRateThrottle

from tests.crawl.crawler import Crawler
from tests.permissions.demo import demo_loaded
from tests.permissions.personal_data import secrets_for
from tests.permissions.roles import ADMIN_ROLES, NAMES, ROLES

pytestmark = pytest.mark.django_db  # the test database is created for marked tests only

ADMIN_LOGINS = frozenset(role.username for role in ADMIN_ROLES)


@dataclass(frozen=True)
class Defect:
    reason: str  # one line, as the xfail mark shows it
    url: str  # regular expression a URL it affects matches
    what: str  # start of the exception ("KeyError") for a 5xx; of the origin ("member unit") for a leak
    logins: frozenset[str]


SERVER_ERRORS: list[Defect] = []  # every defect the crawl found is fixed; a new one fails the guard test
LEAKS: list[Defect] = []


def _marked(defects: list[Defect]) -> list:
    params = []
    for name in NAMES:
        reasons = [defect.reason for defect in defects if name in defect.logins]
        mark = pytest.mark.xfail(strict=True, reason=" / ".join(reasons))
        params.append(pytest.param(name, marks=mark) if reasons else name)
    return params


def _pattern(url: str) -> str:
    """The URL with its ids as <id> (twice: neighbouring ids share a slash)."""
    return re.sub(r"/\d+/", "/<id>/", re.sub(r"/\d+/", "/<id>/", url))


def _explained(defects: list[Defect], login: str, url: str, what: str) -> bool:
    return any(
        login in defect.logins and re.search(defect.url, url) and what.startswith(defect.what)
        for defect in defects
    )


@pytest.fixture(scope="module")
def crawls(django_db_setup, django_db_blocker):
    """The demo loaded once, then crawled as every login (the crawl changes nothing: each request is undone)."""
    request_log = logging.getLogger("django.request")  # the crawl reports 5xx itself, with the login
    with pytest.MonkeyPatch.context() as patch, demo_loaded(django_db_blocker):
        patch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": None})
        patch.setattr(request_log, "disabled", True)
        started = time.monotonic()
        results = {}
        for role in ROLES:
            user = get_user_model().objects.get(username=role.username)
            results[role.username] = Crawler(user, secrets_for(user)).run()
        yield results, time.monotonic() - started


def test_the_crawl_covers_every_login_and_surface(crawls):
    results, seconds = crawls
    total = sum(len(results[name].hits) for name in NAMES)
    lines = ["crawl of the demo, per login:", *(results[name].summary() for name in NAMES)]
    lines.append(f"{total} requests as {len(NAMES)} logins in {seconds:.1f}s")
    for name in NAMES:
        errors = Counter((hit.status, _pattern(hit.url), hit.error) for hit in results[name].server_errors)
        lines += [
            f"  {name}: {n}× {status} {url} {error}" for (status, url, error), n in sorted(errors.items())
        ]
        leaks = Counter(
            (_pattern(leak.url), re.sub(r" \d+", "", leak.origin)) for leak in results[name].leaks
        )
        lines += [f"  {name}: {n}× leak on {url} ({origin})" for (url, origin), n in sorted(leaks.items())]
    print("\n".join(lines))
    admin = results["admin"]
    assert {hit.surface for hit in admin.hits} == {"api", "admin", "page"}
    assert sum(hit.status == 200 for hit in admin.hits if hit.surface == "admin") > 80
    assert sum(hit.status == 200 for hit in admin.hits if hit.surface == "api") > 40
    assert sum(hit.status == 200 for hit in results["liaison_eldercare"].hits if hit.surface == "page") > 15


@pytest.mark.parametrize("username", _marked(SERVER_ERRORS))
def test_no_response_is_a_server_error(crawls, username):
    errors = crawls[0][username].server_errors
    assert errors == [], f"{username}: {len(errors)} responses ≥ 500\n" + "\n".join(
        f"{hit.status} {hit.url} {hit.error}\n{hit.trace}" for hit in errors
    )


@pytest.mark.parametrize("username", _marked(LEAKS))
def test_no_personal_data_in_full_where_it_should_be_masked(crawls, username):
    leaks = sorted({(leak.url, leak.origin, leak.value) for leak in crawls[0][username].leaks})
    assert leaks == [], f"{username}: personal data in full on {len(leaks)} responses:\n" + "\n".join(
        f"{url}: {origin} {value}" for url, origin, value in leaks
    )


@pytest.mark.parametrize("username", NAMES)
def test_only_known_defects_remain(crawls, username):
    crawl = crawls[0][username]
    unexplained = [
        f"{hit.status} {hit.url} {hit.error}\n{hit.trace}"
        for hit in crawl.server_errors
        if not _explained(SERVER_ERRORS, username, hit.url, hit.error)
    ] + [
        f"leak {leak.url}: {leak.origin} {leak.value}"
        for leak in crawl.leaks
        if not _explained(LEAKS, username, leak.url, leak.origin)
    ]
    assert unexplained == [], "\n".join(unexplained)
