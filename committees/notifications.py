"""Tell people what they must act on: a row in the app and an e-mail (console back end by default)."""

from django.core.mail import send_mass_mail
from django.db import transaction

from .models import Notification, Seat, User
from .scoping import VOTING_ROLES


def notify(users, message: str, url: str = "") -> int:
    """Notify each user once; the e-mail goes out after the surrounding transaction commits."""
    users = [user for user in {user.pk: user for user in users}.values() if user.is_active]
    Notification.objects.bulk_create(
        [Notification(user=user, message=message[:300], url=url) for user in users]
    )
    emails = [
        (message[:120], f"{message}\n\n{url}".strip(), None, [user.email]) for user in users if user.email
    ]
    if emails:
        transaction.on_commit(lambda: send_mass_mail(emails, fail_silently=True))
    return len(users)


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
