"""API tokens: kept as a hash, expiring, revocable (logout), revoked on a password change and when the last seat
ends; DRF's clear-text tokens are gone; the admin and the schema show no secret."""

import datetime
import hashlib

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from committees import services
from committees.models import ApiToken, Seat
from committees.services import access
from tests.factories import SeatFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234"  # UserFactory's


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def secretary(two_streets, secretary_of):
    return secretary_of(two_streets["beixinqiao"])


def obtain(api, user, password=PASSWORD):
    return api.post(reverse("api-token"), {"username": user.username, "password": password}, format="json")


def as_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_is_obtained_with_username_and_password_and_works_in_the_same_header(api, secretary):
    response = obtain(api, secretary)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "prefix", "expires_at"}
    assert body["token"].startswith(body["prefix"] + ".")
    assert as_token(body["token"]).get("/api/v1/committees/").status_code == 200


def test_a_wrong_password_obtains_no_token(api, secretary):
    response = obtain(api, secretary, password="wrong-password-1")

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_database_holds_only_a_hash_of_the_secret(api, secretary):
    key = obtain(api, secretary).json()["token"]
    prefix, secret = key.split(".")

    row = ApiToken.objects.values().get()
    assert row["prefix"] == prefix
    assert row["digest"] == hashlib.sha256(secret.encode()).hexdigest()
    assert all(secret not in str(value) and key not in str(value) for value in row.values())
    # What a reader of the database sees does not authenticate.
    assert as_token(row["digest"]).get("/api/v1/committees/").status_code == 401
    assert as_token(f"{prefix}.{row['digest']}").get("/api/v1/committees/").status_code == 401


def test_a_token_expires_after_its_lifetime_of_30_days(secretary, settings):
    assert settings.API_TOKEN_LIFETIME_DAYS == 30
    token, key = access.issue_token(user=secretary)

    assert token.expires_at == token.created_at + datetime.timedelta(days=30)
    with time_machine.travel(token.expires_at - datetime.timedelta(minutes=1), tick=False):
        assert as_token(key).get("/api/v1/committees/").status_code == 200
    with time_machine.travel(token.expires_at + datetime.timedelta(seconds=1), tick=False):
        response = as_token(key).get("/api/v1/committees/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_the_revoke_endpoint_logs_out_the_presenting_token_only(secretary):
    _first, key = access.issue_token(user=secretary)
    _second, other_key = access.issue_token(user=secretary)

    response = as_token(key).post(reverse("api-token-revoke"))

    assert response.status_code == 204
    assert as_token(key).get("/api/v1/committees/").status_code == 401
    assert as_token(other_key).get("/api/v1/committees/").status_code == 200
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 1


def test_the_revoke_endpoint_needs_a_token(api, secretary):
    api.force_login(secretary)

    assert api.post(reverse("api-token-revoke")).status_code in (401, 403)


@pytest.mark.parametrize(
    "header",
    ["Token", "Token a b", "Token nodot", "Token .secret", "Token prefix.", "Token 0123456789ab.guess"],
)
def test_a_malformed_or_unknown_token_is_a_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    assert client.get("/api/v1/committees/").status_code == 401


def test_the_token_of_a_deactivated_person_is_refused(secretary):
    _token, key = access.issue_token(user=secretary)
    secretary.is_active = False
    secretary.save(update_fields=["is_active"])

    assert as_token(key).get("/api/v1/committees/").status_code == 401


def test_last_used_is_written_at_most_every_five_minutes(secretary):
    token, key = access.issue_token(user=secretary)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        as_token(key).get("/api/v1/committees/")
    with time_machine.travel(start + datetime.timedelta(minutes=4), tick=False):
        as_token(key).get("/api/v1/committees/")
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + datetime.timedelta(minutes=6), tick=False):
        as_token(key).get("/api/v1/committees/")
    token.refresh_from_db()
    assert token.last_used_at == start + datetime.timedelta(minutes=6)


def test_setting_a_new_password_revokes_every_token_of_the_person(secretary, liaison_of, two_streets):
    _token, key = access.issue_token(user=secretary)
    _other, other_key = access.issue_token(user=liaison_of(two_streets["petro"], two_streets["beixinqiao"]))

    secretary.set_password("a-new-password-2026")
    secretary.save()

    assert as_token(key).get("/api/v1/committees/").status_code == 401
    assert as_token(other_key).get("/api/v1/committees/").status_code == 200


def test_a_secretary_setting_a_persons_password_in_the_admin_revokes_their_tokens(
    client, superuser, secretary
):
    _token, key = access.issue_token(user=secretary)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[secretary.pk]),
        {"password1": "another-password-2026", "password2": "another-password-2026"},
    )

    assert response.status_code == 302
    assert as_token(key).get("/api/v1/committees/").status_code == 401


def test_ending_a_persons_last_seat_revokes_their_tokens(secretary, two_streets):
    liaison_seat = SeatFactory(
        committee=two_streets["beixinqiao"], role=Seat.Role.LIAISON, unit=two_streets["petro"]
    )
    _token, key = access.issue_token(user=liaison_seat.user)

    services.end_seats(seats=Seat.objects.filter(pk=liaison_seat.pk), by=secretary, on=timezone.localdate())

    assert as_token(key).get("/api/v1/committees/").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


def test_ending_one_of_two_seats_keeps_the_tokens(secretary, two_streets):
    liaison_seat = SeatFactory(
        committee=two_streets["beixinqiao"], role=Seat.Role.LIAISON, unit=two_streets["petro"]
    )
    SeatFactory(committee=two_streets["minan"], role=Seat.Role.MEMBER, user=liaison_seat.user)
    _token, key = access.issue_token(user=liaison_seat.user)

    services.end_seats(seats=Seat.objects.filter(pk=liaison_seat.pk), by=secretary, on=timezone.localdate())

    assert as_token(key).get("/api/v1/committees/").status_code == 200


def test_a_last_seat_ending_on_a_later_day_ends_the_tokens_that_night(secretary, two_streets):
    seat = SeatFactory(committee=two_streets["beixinqiao"], role=Seat.Role.MEMBER)
    token, key = access.issue_token(user=seat.user)
    last_day = timezone.localdate() + datetime.timedelta(days=3)

    services.end_seats(seats=Seat.objects.filter(pk=seat.pk), by=secretary, on=last_day)

    token.refresh_from_db()
    midnight = timezone.make_aware(
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time())
    )
    assert token.expires_at == midnight
    assert token.revoked_at is None
    with time_machine.travel(midnight + datetime.timedelta(seconds=1), tick=False):
        assert as_token(key).get("/api/v1/committees/").status_code == 401


def test_the_drf_clear_text_tokens_are_gone(settings):
    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS
    assert "authtoken_token" not in connection.introspection.table_names()
    assert "rest_framework.authentication.TokenAuthentication" not in str(settings.REST_FRAMEWORK)


def test_the_token_admin_shows_the_prefix_and_dates_never_the_hash(client, superuser, secretary):
    token, key = access.issue_token(user=secretary)
    client.force_login(superuser)

    listing = client.get(reverse("admin:committees_apitoken_changelist")).content.decode()
    detail = client.get(reverse("admin:committees_apitoken_change", args=[token.pk])).content.decode()

    for page in (listing, detail):
        assert token.prefix in page
        assert token.digest not in page
        assert key.split(".")[1] not in page


def test_a_superuser_revokes_a_token_in_the_admin(client, superuser, secretary):
    token, key = access.issue_token(user=secretary)
    client.force_login(superuser)

    client.post(
        reverse("admin:committees_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    assert as_token(key).get("/api/v1/committees/").status_code == 401


def test_a_secretary_does_not_see_the_token_admin(client, secretary):
    access.issue_token(user=secretary)
    client.force_login(secretary)

    assert client.get(reverse("admin:committees_apitoken_changelist")).status_code == 403


def test_the_schema_describes_the_token_header_and_the_two_endpoints(client, superuser):
    client.force_login(superuser)

    schema = client.get("/api/v1/schema/?format=json").json()

    assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    assert "/api/v1/auth/token/" in schema["paths"]
    assert "204" in schema["paths"]["/api/v1/auth/token/revoke/"]["post"]["responses"]
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/committees/"]["get"]["security"]
