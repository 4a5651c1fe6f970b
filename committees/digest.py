"""The daily e-mail digest: one message a day per person, with their to-do list and the day's notifications,
instead of one mail per event. People choose it or no e-mail (User.email_digest, on the notifications page).

Sent by the beat job committees.tasks.send_daily_digests over the SMTP server configured from the environment
(EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS/EMAIL_USE_SSL; docs/deployment.md).
Idempotent: each person gets at most one digest a day (User.digest_sent_on), however often the job runs.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.todo import todos_for

from .models import Notification, Seat, User

log = logging.getLogger(__name__)
NOTES_SHOWN = 20


def set_email_digest(*, user: User, by, choice: str) -> User:
    """The person's own choice: the daily digest, or no e-mail."""
    if by.pk != user.pk:
        raise PermissionDenied
    if choice not in User.EmailDigest.values:
        raise ValidationError({"email_digest": _("Choose the daily digest or no e-mail.")})
    User.objects.filter(pk=user.pk).update(email_digest=choice)
    user.email_digest = choice
    return user


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def compose(user: User, notes: list[Notification], today: datetime.date) -> tuple[str, str] | None:
    """The subject and text of `user`'s digest, in Chinese; None when there is nothing to tell."""
    todos = todos_for(user)
    if not todos and not notes:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            _("%(name)s, good morning. Here is what waits for you today.") % {"name": user.get_full_name()},
            "",
        ]
        if todos:
            lines.append(_("To do (%(count)d):") % {"count": len(todos)})
            for item in todos:
                due = item.deadline.strftime("%Y-%m-%d") if item.deadline else ""
                mark = _("overdue") if item.overdue else (_("due %(date)s") % {"date": due} if due else "")
                lines.append(f"· {item.title}{f'（{mark}）' if mark else ''}")
                lines.append(f"  {_absolute(item.url)}")
            lines.append("")
        if notes:
            lines.append(_("New notifications (%(count)d):") % {"count": len(notes)})
            for note in notes[:NOTES_SHOWN]:
                lines.append(f"· {note.message}")
                if note.url:
                    lines.append(f"  {_absolute(note.url)}")
            lines.append("")
        lines.append(
            _("Choose daily digest or no e-mail on your notifications page: %(url)s")
            % {"url": _absolute("/notifications/")}
        )
        subject = _("To do on %(date)s: %(todos)d item(s), %(notes)d new notification(s)") % {
            "date": today.strftime("%Y-%m-%d"),
            "todos": len(todos),
            "notes": len(notes),
        }
    return subject, "\n".join(lines)


def send_daily_digests(now: datetime.datetime | None = None) -> int:
    """Send today's digest to each person who chose it, has an e-mail address, and has something open: a
    notification not done from the last day, or (for people with seats) a to-do item. Returns how many were sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = now - datetime.timedelta(days=1)
    fresh = Notification.objects.filter(user_id=OuterRef("pk"), done_at__isnull=True, created_at__gte=since)
    people = (
        User.objects.filter(is_active=True, email_digest=User.EmailDigest.DIGEST)
        .exclude(email="")
        .exclude(digest_sent_on=today)
        .filter(Exists(fresh) | Exists(Seat.objects.current().filter(user_id=OuterRef("pk"))))
        .order_by("pk")
    )
    sent = 0
    with mail.get_connection() as connection:
        for person in people.iterator(chunk_size=500):
            notes = list(
                Notification.objects.filter(
                    user=person, done_at__isnull=True, created_at__gte=since
                ).order_by("-created_at")[: NOTES_SHOWN + 1]
            )
            composed = compose(person, notes, today)
            if composed is None:
                continue
            subject, body = composed
            message = mail.EmailMessage(subject, body, None, [person.email], connection=connection)
            message.send()
            User.objects.filter(pk=person.pk).update(digest_sent_on=today)
            sent += 1
    log.info("daily digests sent: %d", sent)
    return sent
