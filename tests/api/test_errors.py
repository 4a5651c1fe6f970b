"""Errors under /api/v1/ are JSON and documented: wrong paths are JSON 404s, every operation lists its error codes."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import StreetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(secretary_of):
    return secretary_of(StreetFactory(area_code="110101005", name="北新桥街道"))


def test_a_path_that_is_no_endpoint_is_a_json_404(secretary):
    api = APIClient()
    api.force_authenticate(secretary)
    for path in ("/api/v1/needs/1.5/", "/api/v1/no-such-list/", "/api/v1/agenda-items/1e-05.5/decide/"):
        response = api.get(path)
        assert (response.status_code, response["Content-Type"]) == (404, "application/json"), path
        assert "detail" in response.json()


def test_a_post_with_a_session_to_a_wrong_path_is_a_404_not_a_csrf_page(secretary):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(secretary)
    response = browser.post("/api/v1/needs/1.5/publish/", {})
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_every_operation_documents_its_error_answers(client, secretary):
    client.force_login(secretary)
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    create_need = schema["paths"]["/api/v1/needs/"]["post"]["responses"]
    start_run = schema["paths"]["/api/v1/matching-runs/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "429"} <= set(create_need)
    assert "202" in start_run and "201" not in start_run
    assert create_need["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationError"
    }
