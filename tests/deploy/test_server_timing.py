"""The server's own time in a Server-Timing header, only when asked (the load benchmark), and how loadgen reads it."""

import pytest

from matching.management.loadgen import server_ms


@pytest.mark.django_db
def test_answers_say_the_servers_time_when_server_timing_is_on(client, settings):
    settings.SERVER_TIMING = True

    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert server_ms(response["Server-Timing"]) >= 0


@pytest.mark.django_db
def test_answers_keep_the_servers_time_to_themselves_by_default(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert "Server-Timing" not in response


@pytest.mark.parametrize(
    ("header", "expected"),
    [("app;dur=12.5", 12.5), ("db;dur=3, app;dur=40", 40.0), ("cache;desc=hit", None), ("", None)],
)
def test_loadgen_reads_the_apps_duration_from_the_header(header, expected):
    assert server_ms(header) == expected
