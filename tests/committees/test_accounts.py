"""A person's account: 12-character passwords, sessions of 12 hours (30 minutes idle for the admin's users), no
caching of what a logged-in person sees, no public /media/, the password pages, the reset by e-mail (through a
real SMTP server), and the e-mail settings read from the environment."""

import datetime
import email
import importlib
import json
import os
import re
import socket
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import Resolver404, clear_url_caches, resolve, reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pass-1234"  # UserFactory's
NEW_PASSWORD = "chang-an-jie-2026"


@pytest.fixture
def liaison(two_streets, liaison_of):
    user = liaison_of(two_streets["petro"], two_streets["beixinqiao"])
    user.email = "sun.hao@petrochina.example.cn"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def secretary(two_streets, secretary_of):
    return secretary_of(two_streets["beixinqiao"])


# --- Passwords ----------------------------------------------------------------------------------------------


def test_a_password_of_eleven_characters_is_refused_in_chinese():
    with pytest.raises(ValidationError) as refused:
        validate_password("Xq7#kp2!Lm9")

    assert any("12" in message and "密码" in message for message in refused.value.messages)


def test_a_password_of_twelve_characters_is_accepted():
    validate_password("Xq7#kp2!Lm9z")


def test_the_demo_password_keeps_the_rules():
    from committees.demo_data import DEMO_PASSWORD

    validate_password(DEMO_PASSWORD)


# --- Sessions -----------------------------------------------------------------------------------------------


def test_a_session_lasts_twelve_hours(client, liaison):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(liaison)
    with time_machine.travel(start + datetime.timedelta(hours=11, minutes=59), tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=12, minutes=1), tick=False):
        response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_liaison_is_not_logged_out_after_an_idle_hour(client, liaison):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(liaison)
    with time_machine.travel(start + datetime.timedelta(hours=1), tick=False):
        assert client.get(reverse("home")).status_code == 200


def test_an_admin_user_is_logged_out_after_thirty_idle_minutes(client, secretary):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(secretary)
        assert client.get(reverse("admin:index")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get(reverse("admin:index")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29 + 31), tick=False):
        response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session


def test_an_admin_user_who_keeps_working_is_still_logged_out_after_twelve_hours(client, secretary):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(secretary)
    moment = start + datetime.timedelta(minutes=25)
    while moment < start + datetime.timedelta(hours=12):
        with time_machine.travel(moment, tick=False):
            assert client.get(reverse("password_change")).status_code == 200, moment - start
        moment += datetime.timedelta(minutes=25)
    with time_machine.travel(start + datetime.timedelta(hours=12, minutes=5), tick=False):
        response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- No caching of what a logged-in person sees ----------------------------------------------------------------


def assert_no_store(response):
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_pages_for_a_logged_in_person_are_not_stored(client, liaison):
    client.force_login(liaison)

    assert_no_store(client.get(reverse("home")))


def test_api_answers_by_session_and_by_token_are_not_stored(client, liaison):
    from committees.services import access

    client.force_login(liaison)
    assert_no_store(client.get("/api/v1/needs/"))

    _token, key = access.issue_token(user=liaison)
    by_token = client.__class__().get("/api/v1/needs/", HTTP_AUTHORIZATION=f"Token {key}")
    assert_no_store(by_token)


def test_a_new_token_is_not_stored(client, liaison):
    response = client.post(reverse("api-token"), {"username": liaison.username, "password": PASSWORD})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_xlsx_exports_are_not_stored(client, secretary, two_streets):
    client.force_login(secretary)

    ledger = client.post(
        reverse("admin:committees_memberunit_changelist"),
        {"action": "export_ledger", "_selected_action": [two_streets["petro"].pk]},
    )

    assert ledger["Content-Type"].startswith("application/vnd.openxmlformats")
    assert_no_store(ledger)


# --- /media/ is never public ----------------------------------------------------------------------------------


def test_media_is_not_served_even_with_debug_on(settings):
    import config.urls

    settings.DEBUG = True
    try:
        clear_url_caches()
        importlib.reload(config.urls)
        with pytest.raises(Resolver404):
            resolve("/media/updates/2026/11/photo.jpg")
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()


# --- Changing the password ------------------------------------------------------------------------------------


def test_the_header_links_to_the_password_page(client, liaison):
    client.force_login(liaison)

    page = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("password_change")}"' in page
    assert "修改密码" in page


def test_a_liaison_changes_their_password_and_their_tokens_end(client, liaison):
    from committees.services import access

    _token, key = access.issue_token(user=liaison)
    client.force_login(liaison)
    form = client.get(reverse("password_change")).content.decode()
    assert "修改密码" in form and "12" in form

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert "密码已修改" in client.get(response["Location"]).content.decode()
    liaison.refresh_from_db()
    assert liaison.check_password(NEW_PASSWORD)
    assert client.get(reverse("home")).status_code == 200  # this session stays logged in
    assert client.__class__().get("/api/v1/needs/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_a_short_new_password_is_refused_on_the_page(client, liaison):
    client.force_login(liaison)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Xq7#kp2!Lm9", "new_password2": "Xq7#kp2!Lm9"},
    )

    assert response.status_code == 200
    assert "密码太短" in response.content.decode()
    liaison.refresh_from_db()
    assert liaison.check_password(PASSWORD)


def test_the_password_page_needs_a_login(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Resetting a forgotten password ---------------------------------------------------------------------------


def reset_link(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", body).group(1)


def test_the_login_page_offers_the_reset(client):
    page = client.get(reverse("login")).content.decode()

    assert f'href="{reverse("password_reset")}"' in page
    assert "忘记密码" in page


def test_a_forgotten_password_is_reset_by_e_mail_in_chinese(client, liaison):
    from committees.services import access

    _token, key = access.issue_token(user=liaison)

    response = client.post(reverse("password_reset"), {"email": liaison.email})

    assert response.status_code == 302
    assert "请查收邮件" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [liaison.email]
    assert "设置新密码" in message.subject
    assert liaison.username in message.body and "60 分钟" in message.body
    link = reset_link(message.body)
    form_page = client.get(link, follow=True)
    assert "设置新密码" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert "新密码已设置" in client.get(done["Location"]).content.decode()
    liaison.refresh_from_db()
    assert liaison.check_password(NEW_PASSWORD)
    assert client.__class__().get("/api/v1/needs/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    # The link works once.
    assert "链接已失效" in client.get(link, follow=True).content.decode()


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, liaison):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_reset_unlocks_a_locked_out_username(client, liaison):
    for n in range(5):
        client.post(reverse("login"), {"username": liaison.username, "password": f"guess-{n}"})
    assert (
        client.post(reverse("login"), {"username": liaison.username, "password": PASSWORD}).status_code == 429
    )
    client.post(reverse("password_reset"), {"email": liaison.email})
    form_page = client.get(reset_link(mail.outbox[0].body), follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    response = client.post(reverse("login"), {"username": liaison.username, "password": NEW_PASSWORD})

    assert response.status_code == 302


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_reset_e_mail_goes_through_the_configured_smtp_server(client, liaison, settings):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_TIMEOUT = 5
        settings.DEFAULT_FROM_EMAIL = "noreply@dangjian.example.gov.cn"

        response = client.post(reverse("password_reset"), {"email": liaison.email})
    finally:
        controller.stop()

    assert response.status_code == 302
    assert len(received) == 1
    parsed = email.message_from_bytes(received[0].as_bytes(), policy=policy.default)
    assert parsed["To"] == liaison.email
    assert parsed["From"] == "noreply@dangjian.example.gov.cn"
    assert "设置新密码" in str(parsed["Subject"])
    body = parsed.get_body(preferencelist=("plain",)).get_content()
    assert liaison.username in body and "60 分钟" in body
    assert "/accounts/reset/" in body


# --- E-mail settings from the environment ---------------------------------------------------------------------


def settings_under(env: dict) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "EMAIL_"))}
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({k: "
        "getattr(s, k) for k in ['EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', "
        "'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS', 'EMAIL_USE_SSL', 'EMAIL_TIMEOUT', 'DEFAULT_FROM_EMAIL']}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.local", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_smtp_server_is_read_from_the_environment():
    result = settings_under(
        {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "smtp.dongcheng.gov.cn",
            "EMAIL_PORT": "465",
            "EMAIL_HOST_USER": "dangjian@dongcheng.gov.cn",
            "EMAIL_HOST_PASSWORD": "s3cret-mail",
            "EMAIL_USE_SSL": "1",
            "EMAIL_TIMEOUT": "20",
            "DEFAULT_FROM_EMAIL": "dangjian@dongcheng.gov.cn",
        }
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.dongcheng.gov.cn",
        "EMAIL_PORT": 465,
        "EMAIL_HOST_USER": "dangjian@dongcheng.gov.cn",
        "EMAIL_HOST_PASSWORD": "s3cret-mail",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": True,
        "EMAIL_TIMEOUT": 20,
        "DEFAULT_FROM_EMAIL": "dangjian@dongcheng.gov.cn",
    }


def test_tls_and_ssl_together_are_refused():
    result = settings_under({"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"})

    assert result.returncode != 0
    assert "EMAIL_USE_TLS or EMAIL_USE_SSL" in result.stderr


def test_a_person_without_an_e_mail_address_gets_no_mail(client):
    UserFactory(username="no_mail", email="")

    client.post(reverse("password_reset"), {"email": ""})

    assert mail.outbox == []
