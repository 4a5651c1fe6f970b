"""The to-do registry orders items across apps; notifications tied to an object are marked done with it."""

import datetime

import pytest
from django.utils import timezone

from committees import notifications
from committees.models import Notification
from config import todo
from tests.factories import StreetFactory, UserFactory


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(todo, "_providers", {})


def test_todo_items_overdue_first_then_by_deadline(clean_registry):
    user = UserFactory.build(pk=1)
    now = timezone.now()
    todo.register_todo(
        "later",
        lambda user: [todo.TodoItem("later", "b", "/b/", now + datetime.timedelta(days=2))],
        order=1,
    )
    todo.register_todo(
        "mixed",
        lambda user: [
            todo.TodoItem("mixed", "none", "/n/"),
            todo.TodoItem("mixed", "late", "/l/", now - datetime.timedelta(hours=1)),
            todo.TodoItem("mixed", "soon", "/s/", (now + datetime.timedelta(days=1)).date()),
        ],
        order=2,
    )
    titles = [item.title for item in todo.todos_for(user)]
    assert titles == ["late", "soon", "b", "none"]
    assert todo.todos_for(user)[0].overdue


def test_anonymous_has_no_todo(clean_registry):
    from django.contrib.auth.models import AnonymousUser

    todo.register_todo("x", lambda user: [todo.TodoItem("x", "t", "/")], order=1)
    assert todo.todos_for(AnonymousUser()) == []


@pytest.mark.django_db
def test_resolve_marks_only_the_notifications_about_the_object():
    alice, bob = UserFactory(), UserFactory()
    street, other = StreetFactory(), StreetFactory()
    notifications.notify([alice, bob], "请处理", "/x/", about=street)
    notifications.notify([alice], "另一件事", "/y/", about=other)

    assert notifications.resolve(street, users=[alice]) == 1
    assert Notification.objects.filter(user=bob, done_at__isnull=True).count() == 1
    assert notifications.resolve(street) == 1
    open_messages = list(Notification.objects.filter(done_at__isnull=True).values_list("message", flat=True))
    assert open_messages == ["另一件事"]
