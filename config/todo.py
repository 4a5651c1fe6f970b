"""The to-do list (待办): what a person must do next, gathered from every app that gives people work.

Apps register a provider in their AppConfig.ready: `register_todo("proposals", proposals_to_answer, order=10)`,
where the provider takes a user and returns TodoItems (a constant number of queries, whatever the user). The
liaison's dashboard, the department's and member's pages and the admin home all read `todos_for(user)`; an item
leaves the list when the provider stops returning it, i.e. when the thing is done, never by being dismissed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class TodoItem:
    kind: str  # the provider's name, for grouping and styling
    title: str  # what to do, translated ("答复对接建议：…")
    url: str  # where to do it, one tap away
    deadline: datetime.datetime | datetime.date | None = None
    detail: str = ""  # one more line: the other side, the place, the count

    @property
    def due_at(self) -> datetime.datetime | None:
        if self.deadline is None or isinstance(self.deadline, datetime.datetime):
            return self.deadline
        end_of_day = datetime.datetime.combine(self.deadline, datetime.time.max)
        return timezone.make_aware(end_of_day)

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.due_at < timezone.now()


@dataclass(frozen=True)
class _Provider:
    kind: str
    order: int
    build: Callable[[object], Iterable[TodoItem]]


_providers: dict[str, _Provider] = {}


def register_todo(kind: str, build: Callable[[object], Iterable[TodoItem]], *, order: int) -> None:
    """Add a provider; registering a kind again replaces it (AppConfig.ready may run twice in tests)."""
    _providers[kind] = _Provider(kind, order, build)


def todos_for(user) -> list[TodoItem]:
    """Every item for `user`: overdue first, then by deadline (none last), then by provider order."""
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[tuple[int, TodoItem]] = []
    for provider in sorted(_providers.values(), key=lambda p: p.order):
        items.extend((provider.order, item) for item in provider.build(user))
    far = timezone.now() + datetime.timedelta(days=36500)

    def key(pair):
        order, item = pair
        return (not item.overdue, item.due_at or far, order)

    return [item for _, item in sorted(items, key=key)]
