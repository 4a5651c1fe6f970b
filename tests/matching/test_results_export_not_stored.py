"""The published results' xlsx export names units and people: no browser or proxy keeps a copy."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_results_export_is_not_stored(client, city, secretary_of):
    client.force_login(secretary_of(city["beixinqiao"]))

    response = client.get(reverse("results_export", args=[city["beixinqiao"].pk, "2025"]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
