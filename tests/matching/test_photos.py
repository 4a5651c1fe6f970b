"""Progress photos can run nothing: decoded and re-encoded (no bytes of the upload kept, no EXIF), stored under a
random name with the detected type's extension, served as an image with nosniff and a sandboxing policy; pixel
bombs are refused before they are decoded."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from matching.models import ProjectUpdate
from matching.outcomes import projects
from tests import images

pytestmark = pytest.mark.django_db

SCRIPT = b"\n;alert(document.cookie)//<script>alert(1)</script>"
STORED_NAME = re.compile(r"^project-updates/\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|png)$")


def report(client, user, project, photo):
    client.force_login(user)
    return client.post(
        reverse("project_detail", args=[project.pk]),
        {"action": "progress", "text": "现场照片", "photo": photo},
    )


def test_a_jpeg_named_js_is_stored_under_a_random_name_with_the_jpg_extension(client, project, people):
    response = report(client, people["need"], project, SimpleUploadedFile("evil.js", images.jpeg() + SCRIPT))
    assert response.status_code == 302
    stored = ProjectUpdate.objects.get().photo
    assert STORED_NAME.match(stored.name) and stored.name.endswith(".jpg"), stored.name
    content = stored.open("rb").read()
    assert b"alert" not in content and b"script" not in content
    assert Image.open(io.BytesIO(content)).format == "JPEG"


def test_the_photo_is_served_as_an_image_that_cannot_run(client, project, people):
    report(client, people["need"], project, SimpleUploadedFile("page.html", images.png()))
    update = ProjectUpdate.objects.get()
    response = client.get(reverse("project_update_photo", args=[update.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Disposition"] == f'inline; filename="photo-{update.pk}.png"'


def test_a_photo_stored_before_under_its_uploaded_name_is_served_as_an_image(client, project, people):
    update = ProjectUpdate.objects.create(project=project, text="旧照片", created_by=people["need"])
    update.photo.save("x.js", ContentFile(images.jpeg() + SCRIPT))
    client.force_login(people["provider"])
    response = client.get(reverse("project_update_photo", args=[update.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Disposition"] == f'inline; filename="photo-{update.pk}.jpg"'


def test_a_file_with_a_jpeg_signature_that_is_no_image_is_refused_in_chinese(client, project, people):
    response = report(
        client, people["need"], project, SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0" + SCRIPT)
    )
    assert response.status_code == 200
    assert "只接受 JPEG 或 PNG 格式的照片" in response.content.decode()
    assert not ProjectUpdate.objects.exists()


def test_the_gps_position_in_a_photos_exif_is_not_kept(client, project, people):
    upload = images.jpeg(gps=True)
    assert Image.open(io.BytesIO(upload)).getexif().get_ifd(images.GPS_IFD)  # the test photo has a position
    report(client, people["need"], project, SimpleUploadedFile("phone.jpg", upload))
    stored = Image.open(ProjectUpdate.objects.get().photo.open("rb"))
    assert dict(stored.getexif()) == {} and "exif" not in stored.info


def test_a_picture_claiming_more_pixels_than_a_photo_has_is_refused_before_decoding(client, project, people):
    response = report(
        client, people["need"], project, SimpleUploadedFile("bomb.png", images.png_claiming(12_000, 12_000))
    )
    assert response.status_code == 200
    assert "像素" in response.content.decode()
    assert not ProjectUpdate.objects.exists()


def test_the_api_stores_and_serves_photos_the_same_way(project, people):
    api = APIClient()
    api.force_authenticate(people["provider"])
    upload = SimpleUploadedFile("x.html", images.jpeg(gps=True) + SCRIPT)
    response = api.post(
        "/api/v1/project-updates/",
        {"project": project.pk, "text": "照片", "photo": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    stored = ProjectUpdate.objects.get().photo
    assert STORED_NAME.match(stored.name) and stored.name.endswith(".jpg")
    assert b"alert" not in stored.open("rb").read()
    bomb = SimpleUploadedFile("bomb.png", images.png_claiming(50_000, 50_000))
    response = api.post(
        "/api/v1/project-updates/", {"project": project.pk, "text": "照片", "photo": bomb}, format="multipart"
    )
    assert response.status_code == 400 and "像素" in response.json()["photo"][0]


def test_the_service_re_encodes_what_it_is_given(project, people):
    update = projects.post_update(
        project=project,
        by=people["need"],
        text="照片",
        photo=SimpleUploadedFile("a.png", images.png() + SCRIPT),
    )
    assert STORED_NAME.match(update.photo.name)
    assert b"alert" not in update.photo.open("rb").read()
