"""The content security policy and the request id on every page; no inline scripts left for the policy to block."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/", "/api/v1/docs/", "/healthz"])
def test_pages_carry_a_policy_that_forbids_inline_scripts(client, url):
    response = client.get(url)

    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_the_api_docs_load_their_start_up_script_from_a_url(client, superuser):
    client.force_login(superuser)
    page = client.get("/api/v1/docs/").content.decode()

    assert re.findall(r"<script>", page) == []
    script_url = re.findall(r'<script src="([^"]+\?script=?)"', page)
    assert script_url == ["/api/v1/docs/?script="]
    script = client.get(script_url[0])
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.django_db
def test_the_pages_load_their_behaviour_from_a_static_file(client):
    page = client.get(reverse("login")).content.decode()

    assert '<script src="/static/js/site.js" defer></script>' in page


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/admin/",
        "/admin/committees/committee/add/",
        "/admin/django_celery_beat/periodictask/add/",
        "/admin/django_celery_beat/crontabschedule/add/",
        "/api/v1/docs/",
        "/results/",
    ],
)
def test_pages_as_rendered_have_no_inline_script_or_event_handler(client, superuser, url):
    client.force_login(superuser)
    response = client.get(url, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert INLINE_SCRIPT.findall(page) == []
    assert INLINE_HANDLER.findall(page) == []


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for template in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]:
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    response = client.get("/accounts/login/")

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_the_proxys_request_id_is_kept_and_a_malformed_one_replaced(client):
    assert (
        client.get("/accounts/login/", HTTP_X_REQUEST_ID="nginx-7f3a9c").headers["X-Request-ID"]
        == "nginx-7f3a9c"
    )
    replaced = client.get("/accounts/login/", HTTP_X_REQUEST_ID="<script>").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)
