"""Tell people what they must act on: a row in the app (linked to its object), and the daily digest e-mail.

`notify(users, message, url, about=obj)` ties the notification to the object it asks about; when the thing is
done, the service that does it calls `resolve(obj)` (or `resolve(obj, users=[…])` for one side only) and the
notification is marked done, so nobody is asked twice.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .models import Notification, Seat, User
from .scoping import VOTING_ROLES


def notify(users, message: str, url: str = "", *, about=None) -> int:
    """Notify each user once, in the app; the e-mail is the daily digest (committees/digest.py)."""
    users = [user for user in {user.pk: user for user in users}.values() if user.is_active]
    subject = _subject_of(about)
    Notification.objects.bulk_create(
        [Notification(user=user, message=message[:300], url=url, **subject) for user in users]
    )
    # No mail per event: the daily digest (committees/digest.py) gathers them, for those who chose it.
    return len(users)


def resolve(about, *, users=None) -> int:
    """Mark done the open notifications about `about` (for `users` only, if given); returns how many."""
    pending = Notification.objects.filter(done_at__isnull=True, **_subject_of(about))
    if users is not None:
        pending = pending.filter(user__in=[user.pk for user in users])
    now = timezone.now()
    return pending.update(done_at=now, read_at=now)


def _subject_of(about) -> dict:
    if about is None:
        return {}
    return {"subject_type": ContentType.objects.get_for_model(about), "subject_id": about.pk}


def liaisons_of(unit_ids) -> list[User]:
    seats = Seat.objects.current().filter(role=Seat.Role.LIAISON, unit_id__in=unit_ids).select_related("user")
    return [seat.user for seat in seats]


def secretaries_of(committee_ids) -> list[User]:
    seats = (
        Seat.objects.current()
        .filter(role=Seat.Role.SECRETARY, committee_id__in=committee_ids)
        .select_related("user")
    )
    return [seat.user for seat in seats]


def voters_of(committee_id) -> list[User]:
    seats = (
        Seat.objects.current().filter(role__in=VOTING_ROLES, committee_id=committee_id).select_related("user")
    )
    return [seat.user for seat in seats]


# --- Reading: the header's count, the notifications page ---------------------------------------------------------


def unread_count(user) -> int:
    """Notifications neither read nor done: the number in the header."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True, done_at__isnull=True).count()


def mark_read(notification: Notification, *, by) -> Notification:
    """The person opened it (only their own: the caller found it among `by`'s notifications)."""
    if notification.user_id != by.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, by) -> int:
    return Notification.objects.filter(user=by, read_at__isnull=True).update(read_at=timezone.now())
