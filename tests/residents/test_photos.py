"""Progress photos on the public notice (公示): only those the reporting unit (or the secretary) chose to show."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from matching.models import ProjectUpdate
from matching.outcomes import residents
from tests import images
from tests.matching.conftest import area, people, project, publish  # noqa: F401

pytestmark = pytest.mark.django_db


def report_photo(client, user, project):  # noqa: F811
    client.force_login(user)
    client.post(
        reverse("project_detail", args=[project.pk]),
        {"action": "progress", "text": "现场照片", "photo": SimpleUploadedFile("a.png", images.png())},
    )
    return ProjectUpdate.objects.latest("pk")


def test_a_photo_shows_on_the_notice_only_once_its_unit_chose_to(client, project, people, area):  # noqa: F811
    update = report_photo(client, people["provider"], project)
    notice = reverse("public_notice", args=[area["beixinqiao"].area_code])
    photo_url = reverse("public_photo", args=[update.pk])
    anonymous = client.__class__()

    assert anonymous.get(photo_url).status_code == 404
    assert photo_url not in anonymous.get(notice).content.decode()

    client.force_login(people["provider"])
    response = client.post(
        reverse("project_detail", args=[project.pk]),
        {"action": "photo_public", "update": update.pk, "public": "on"},
    )

    assert response.status_code == 302
    assert photo_url in anonymous.get(notice).content.decode()
    served = anonymous.get(photo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_another_unit_cannot_publish_a_photo_it_did_not_report(client, project, people):  # noqa: F811
    update = report_photo(client, people["provider"], project)
    client.force_login(people["need"])

    response = client.post(
        reverse("project_detail", args=[project.pk]),
        {"action": "photo_public", "update": update.pk, "public": "on"},
    )

    assert response.status_code == 403
    update.refresh_from_db()
    assert update.photo_is_public is False
    with pytest.raises(PermissionDenied):
        residents.show_photo(update=update, by=people["stranger"], public=True)
