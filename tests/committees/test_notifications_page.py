"""Every person's notifications page (admin users too), the unread count in the headers, opening one."""

import pytest
from django.urls import reverse

from committees import notifications
from committees.models import Notification
from tests.factories import StreetFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_secretary_sees_their_notifications_and_the_count_in_the_admin_header(client, secretary_of):
    street = StreetFactory(name="北新桥街道")
    secretary = secretary_of(street)
    secretary.name = "张敏"
    secretary.save()
    notifications.notify([secretary], "北新桥街道今年召开全体会议 0 次", "/admin/", about=street)
    client.force_login(secretary)
    admin_home = client.get(reverse("admin:index")).content.decode()
    assert reverse("notification_list") in admin_home
    assert '<span class="count">1</span>' in admin_home
    assert "张敏" in admin_home  # greeted by name, not by username
    page = client.get(reverse("notification_list")).content.decode()
    assert "北新桥街道今年召开全体会议 0 次" in page and "未读" in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_object(client):
    user = UserFactory()
    notifications.notify([user], "项目已确定", "/projects/7/")
    note = Notification.objects.get(user=user)
    client.force_login(user)
    response = client.get(reverse("notification_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/projects/7/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert notifications.unread_count(user) == 0


def test_someone_elses_notification_is_not_found_and_stays_unread(client):
    owner, stranger = UserFactory(), UserFactory()
    notifications.notify([owner], "请答复", "/x/")
    note = Notification.objects.get(user=owner)
    client.force_login(stranger)
    assert client.get(reverse("notification_open", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_an_outside_link_is_never_followed(client):
    user = UserFactory()
    notifications.notify([user], "钓鱼", "https://evil.example/")
    client.force_login(user)
    response = client.get(reverse("notification_open", args=[Notification.objects.get().pk]))
    assert response["Location"] == reverse("notification_list")
