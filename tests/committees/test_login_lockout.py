"""Password guessing: the three ways in (the login page, the admin's login, the API's token endpoint) lock out by
username and by address after LOGIN_FAILURE_LIMIT failures, with a Chinese message; the token endpoint is also
throttled; every login and failure is logged; the nginx sample limits the rate of all three."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pass-1234"  # UserFactory's
LOCKED_MESSAGE = "登录失败次数过多"
ENDPOINTS = ["/accounts/login/", "/admin/login/", "/api/v1/auth/token/"]


@pytest.fixture
def secretary(two_streets, secretary_of):
    return secretary_of(two_streets["beixinqiao"])  # may use all three ways in


def attempt(client, url, username, password, address="10.1.1.1"):
    if url.startswith("/api/"):
        return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)
    return client.post(url, {"username": username, "password": password, "next": "/"}, REMOTE_ADDR=address)


def succeeded(response) -> bool:
    """A page login redirects; the token endpoint answers with the token."""
    if response["Content-Type"] == "application/json":
        return response.status_code == 200 and "token" in response.json()
    return response.status_code == 302


def assert_locked_out_in_chinese(response, url):
    assert response.status_code == 429
    if url.startswith("/api/"):
        assert LOCKED_MESSAGE in response.json()["detail"]
    else:
        assert LOCKED_MESSAGE in response.content.decode()
    assert int(response["Retry-After"]) == 15 * 60


def test_the_limit_is_five_failures_and_the_lockout_fifteen_minutes(settings):
    assert settings.LOGIN_FAILURE_LIMIT == 5
    assert settings.LOGIN_LOCKOUT_MINUTES == 15


@pytest.mark.parametrize("url", ENDPOINTS)
def test_five_failures_for_a_username_lock_it_out_from_every_address(client, secretary, url):
    for n in range(5):
        assert not succeeded(
            attempt(client, url, secretary.username, f"guess-{n}", address=f"10.0.0.{n + 1}")
        )

    response = attempt(client, url, secretary.username, PASSWORD, address="10.9.9.9")

    assert_locked_out_in_chinese(response, url)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", ENDPOINTS)
def test_four_failures_do_not_lock_out(client, secretary, url):
    for n in range(4):
        attempt(client, url, secretary.username, f"guess-{n}")

    assert succeeded(attempt(client, url, secretary.username, PASSWORD))


@pytest.mark.parametrize("url", ENDPOINTS)
def test_five_failures_from_an_address_lock_out_that_address_only(client, secretary, url):
    for n in range(5):
        attempt(client, url, f"nobody{n}", "guess-password", address="10.2.2.2")

    assert_locked_out_in_chinese(attempt(client, url, secretary.username, PASSWORD, address="10.2.2.2"), url)
    assert succeeded(attempt(client, url, secretary.username, PASSWORD, address="10.3.3.3"))


def test_failures_on_one_way_in_count_on_the_others(client, secretary):
    for n, url in enumerate(ENDPOINTS + ENDPOINTS[:2]):
        attempt(client, url, secretary.username, f"guess-{n}", address=f"10.4.4.{n + 1}")

    assert_locked_out_in_chinese(
        attempt(client, "/api/v1/auth/token/", secretary.username, PASSWORD, address="10.4.5.1"),
        "/api/v1/auth/token/",
    )


def test_the_lockout_ends_after_fifteen_minutes(client, secretary):
    import datetime

    import time_machine
    from django.utils import timezone

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(5):
            attempt(client, "/accounts/login/", secretary.username, f"guess-{n}")
    with time_machine.travel(start + datetime.timedelta(minutes=14), tick=False):
        assert attempt(client, "/accounts/login/", secretary.username, PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        assert attempt(client, "/accounts/login/", secretary.username, PASSWORD).status_code == 302


def test_the_token_endpoint_is_throttled_per_address(client, settings):
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth_token"]
    assert rate == "10/minute"
    person = UserFactory()
    statuses = [
        attempt(client, "/api/v1/auth/token/", person.username, PASSWORD, address="10.5.5.5").status_code
        for _ in range(11)
    ]

    assert statuses == [200] * 10 + [429]
    assert (
        attempt(client, "/api/v1/auth/token/", person.username, PASSWORD, address="10.6.6.6").status_code
        == 200
    )


def test_the_address_is_the_one_nginx_appends_when_a_proxy_is_trusted(client, secretary, settings):
    from axes.models import AccessFailureLog

    settings.PROXY_COUNT = 1
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": f"nobody{n}", "password": "guess-password"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 10.7.7.7",  # what the client claims, then what nginx saw
        )

    assert AccessFailureLog.objects.filter(ip_address="10.7.7.7").count() == 5
    response = client.post(
        "/accounts/login/",
        {"username": secretary.username, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.7.7.8",
    )
    assert response.status_code == 302


def test_every_login_and_failure_is_logged_with_its_address(client, secretary):
    from axes.models import AccessFailureLog, AccessLog

    attempt(client, "/accounts/login/", secretary.username, "guess-password", address="10.8.8.1")
    attempt(client, "/accounts/login/", secretary.username, PASSWORD, address="10.8.8.2")
    attempt(client, "/api/v1/auth/token/", secretary.username, PASSWORD, address="10.8.8.3")

    assert list(AccessFailureLog.objects.values_list("username", "ip_address", "path_info")) == [
        (secretary.username, "10.8.8.1", "/accounts/login/")
    ]
    assert sorted(AccessLog.objects.values_list("username", "ip_address", "path_info")) == [
        (secretary.username, "10.8.8.2", "/accounts/login/"),
        (secretary.username, "10.8.8.3", "/api/v1/auth/token/"),
    ]


def test_a_superuser_reads_the_login_log_in_the_admin(client, superuser, secretary):
    attempt(client, "/accounts/login/", secretary.username, "guess-password", address="10.8.9.1")
    client.force_login(superuser)

    page = client.get(reverse("admin:axes_accessfailurelog_changelist")).content.decode()

    assert secretary.username in page and "10.8.9.1" in page


def test_the_nginx_sample_limits_the_rate_of_the_three_logins():
    conf = (ROOT / "deploy/nginx/partyhub.conf").read_text()

    zone = re.search(r"limit_req_zone \$binary_remote_addr zone=(\w+):\d+m rate=(\d+)r/m;", conf)
    assert zone, "a limit_req_zone keyed by the client address"
    for path in ENDPOINTS:
        block = re.search(r"location = " + re.escape(path) + r" \{(.*?)\n    \}", conf, re.S)
        assert block, f"a location for {path}"
        assert f"limit_req zone={zone.group(1)} " in block.group(1)
        assert "proxy_pass http://partyhub_web;" in block.group(1)
