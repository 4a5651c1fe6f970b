"""Collection rounds (征集): opening one asks every member unit; units answer; reminders before the close."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import scoping
from committees.models import CollectionRequest, CollectionRound, Membership, Seat

# --- Collection rounds (征集) --------------------------------------------------------------------------------------


def open_collection_round(
    *, committee, by, title: str, opens_on, closes_on, categories=(), description=""
) -> CollectionRound:
    """Open a round: every current member unit of the committee gets a request to answer."""
    scoping.require_manages_committee(by, committee)
    round_ = CollectionRound(
        committee=committee,
        title=title,
        description=description,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=by,
    )
    round_.full_clean()
    with transaction.atomic():
        round_._history_user = by
        round_.save()
        round_.categories.set(categories)
        unit_ids = (
            Membership.objects.current()
            .filter(committee=committee)
            .values_list("unit_id", flat=True)
            .distinct()
        )
        CollectionRequest.objects.bulk_create(
            [CollectionRequest(round=round_, unit_id=uid) for uid in unit_ids]
        )
    return round_


ROUND_FIELDS = {"title", "description", "opens_on", "closes_on"}


def update_collection_round(round_: CollectionRound, *, by, categories=None, **fields) -> CollectionRound:
    """Correct a round's title, text or dates (the units asked stay as they were when it opened)."""
    unknown = set(fields) - ROUND_FIELDS
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if not scoping.manages_round(by, round_):
        raise PermissionDenied
    with transaction.atomic():
        round_ = CollectionRound.objects.select_for_update().get(pk=round_.pk)
        for name, value in fields.items():
            setattr(round_, name, value)
        round_.full_clean()
        round_._history_user = by
        round_.save()
        if categories is not None:
            round_.categories.set(categories)
    return round_


def answer_nothing_this_time(request: CollectionRequest, *, by) -> CollectionRequest:
    scoping.require_acts_for_unit(by, request.unit_id)
    with transaction.atomic():
        request = CollectionRequest.objects.select_for_update().get(pk=request.pk)
        request.nothing_this_time = True
        mark_answered(request, by=by)
    return request


def mark_answered(request: CollectionRequest, *, by) -> None:
    if not scoping.answers_request(by, request):
        raise PermissionDenied
    if request.answered_at is None:
        request.answered_at = timezone.now()
        request.answered_by = by
    request.save(update_fields=["answered_at", "answered_by", "nothing_this_time"])


# --- Reminders: two days before a round closes and on the day ------------------------------------------------

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
