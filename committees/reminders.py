"""Reminders to member units that have not answered a collection round: two days before it closes and on the day."""

import datetime

from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CollectionRequest, Seat

REMINDER_DAYS_BEFORE_CLOSE = (2, 0)


def send_round_reminders(today: datetime.date | None = None) -> int:
    """Remind the liaisons of unanswered requests; each reminder is sent once, however often this runs."""
    today = today or timezone.localdate()
    sent = 0
    for days_before in REMINDER_DAYS_BEFORE_CLOSE:
        key = f"D-{days_before}"
        due = CollectionRequest.objects.filter(
            answered_at__isnull=True, round__closes_on=today + datetime.timedelta(days=days_before)
        ).select_related("round", "unit")
        for request in due:
            with transaction.atomic():
                locked = CollectionRequest.objects.select_for_update().get(pk=request.pk)
                if key in locked.reminders_sent or locked.answered_at is not None:
                    continue
                emails = list(
                    Seat.objects.current()
                    .filter(
                        unit_id=request.unit_id,
                        role=Seat.Role.LIAISON,
                        committee_id=request.round.committee_id,
                    )
                    .exclude(user__email="")
                    .values_list("user__email", flat=True)
                )
                subject = _("Reminder: “%(round)s” closes on %(date)s") % {
                    "round": request.round.title,
                    "date": request.round.closes_on.isoformat(),
                }
                body = _(
                    "Your unit %(unit)s has not answered yet. Please register its needs and resources, or answer "
                    "“nothing this time”."
                ) % {"unit": request.unit.name}
                if emails:
                    send_mass_mail([(subject, body, None, emails)], fail_silently=False)
                locked.reminders_sent = [*locked.reminders_sent, key]
                locked.save(update_fields=["reminders_sent"])
                sent += 1
    return sent
