"""Residents' submissions (民事民提): a resident submits without an account; the community's secretary accepts the
submission onto the needs list (through the records service, source "resident"), merges it into an open need, or
declines it with a reason. The resident follows it by its private link, which shows the stage and nothing else."""

import datetime
import hashlib
import hmac
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees import notifications, scoping
from committees.models import Allocation, Claim, Committee, Level, Measure, Need, Project, Reach, Submission
from committees.text import tokenize
from config.exceptions import InvalidTransition
from config.todo import TodoItem

from . import records

PER_ADDRESS_AN_HOUR = 5
PER_PHONE_A_DAY = 3
DUPLICATES_SHOWN = 5


def limits() -> tuple[int, int]:
    return (
        getattr(settings, "RESIDENT_SUBMISSIONS_PER_ADDRESS_AN_HOUR", PER_ADDRESS_AN_HOUR),
        getattr(settings, "RESIDENT_SUBMISSIONS_PER_PHONE_A_DAY", PER_PHONE_A_DAY),
    )


def keyed_hash(value: str) -> str:
    """A keyed hash: counts repeats of an address or a phone without keeping it readable."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def normalise_phone(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


def check_limits(*, phone: str, address: str, now=None) -> None:
    """Refuse a submission beyond the per-address (an hour) and per-phone (a day) limits, in Chinese."""
    now = now or timezone.now()
    per_address, per_phone = limits()
    recent = Submission.objects.filter(created_at__gte=now - datetime.timedelta(hours=1))
    if address and recent.filter(address_hash=keyed_hash(address)).count() >= per_address:
        raise ValidationError(
            _("Too many submissions from this network in the last hour. Please try again later.")
        )
    day = Submission.objects.filter(created_at__gte=now - datetime.timedelta(days=1), phone=phone)
    if day.count() >= per_phone:
        raise ValidationError(
            {
                "phone": _("This phone number has already made %(count)d submissions today.")
                % {"count": per_phone}
            }
        )


def submit(
    *, committee: Committee, text: str, phone: str, place: str = "", name: str = "", address: str = ""
):
    """A resident's submission to a community: checked, limited, stored, and the community's secretaries told."""
    if committee.level != Level.COMMUNITY:
        raise ValidationError(_("Needs are submitted to a community."))
    # One spelling per number, so that "+86 139 0123 4567" counts against the same limit as "13901234567".
    phone = re.sub(r"[\s()]", "", phone)
    phone = phone.removeprefix("+86")
    check_limits(phone=phone, address=address)
    submission = Submission(
        committee=committee,
        text=text.strip(),
        place=place.strip(),
        name=name.strip(),
        phone=phone,
        address_hash=keyed_hash(address) if address else "",
        tokens=" ".join(tokenize(text)),
    )
    submission.full_clean()
    with transaction.atomic():
        submission.save()
        notifications.notify(
            notifications.secretaries_of([committee.pk]),
            _("A resident has submitted a need to %(community)s.") % {"community": committee.name},
            reverse("admin:committees_submission_change", args=[submission.pk]),
            about=submission,
        )
    return submission


def _locked_received(submission: Submission, by) -> Submission:
    scoping.require_handles_submission(by, submission)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != Submission.Status.RECEIVED:
        raise InvalidTransition(_("This submission has already been handled."))
    return submission


def _close(submission: Submission, *, by, status: str, need=None, reason: str = "") -> Submission:
    submission.status = status
    submission.need = need
    submission.decline_reason = reason
    submission.handled_at = timezone.now()
    submission.handled_by = by
    submission._history_user = by
    submission.save()
    notifications.resolve(submission)
    return submission


def accept(submission: Submission, *, by, category, title: str, quantity: int = 1, measure=Measure.ITEMS):
    """Put the submission on the community's needs list as a published need, source "resident"; the resident's
    name and phone become the need's contact (masked wherever the records' rules say)."""
    with transaction.atomic():
        submission = _locked_received(submission, by)
        description = submission.text + (f"\n{_('Place')}: {submission.place}" if submission.place else "")
        need = records.create_record(
            Need,
            by=by,
            owner_committee=submission.committee,
            committee=submission.committee,
            category=category,
            title=title.strip(),
            description=description,
            quantity=quantity,
            measure=measure,
            reach=Reach.COMMUNITY,
            contact_name=submission.name or _("Resident"),
            contact_phone=submission.phone,
            source=Need.Source.RESIDENT,
        )
        need = records.publish_record(need, by=by)
        return _close(submission, by=by, status=Submission.Status.ACCEPTED, need=need)


def merge(submission: Submission, *, by, need: Need) -> Submission:
    """Join the submission to a need already on its community's list (open: a draft or still live)."""
    with transaction.atomic():
        submission = _locked_received(submission, by)
        if not (mergeable_needs(submission).filter(pk=need.pk).exists() and scoping.manages_need(by, need)):
            raise ValidationError({"need": _("Choose an open need on this community's list.")})
        return _close(submission, by=by, status=Submission.Status.MERGED, need=need)


def decline(submission: Submission, *, by, reason: str) -> Submission:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the submission is declined.")})
    with transaction.atomic():
        submission = _locked_received(submission, by)
        return _close(submission, by=by, status=Submission.Status.DECLINED, reason=reason.strip()[:200])


def mergeable_needs(submission: Submission):
    return Need.objects.filter(
        committee_id=submission.committee_id, status__in=(Need.Status.DRAFT, *Need.LIVE_STATUSES)
    )


def likely_duplicates(submission: Submission, limit: int = DUPLICATES_SHOWN) -> list[tuple[Need, float]]:
    """Open needs of the community most alike in words (the matcher's tokens; Jaccard), best first."""
    words = set(submission.tokens.split())
    if not words:
        return []
    scored = []
    for need in mergeable_needs(submission).only("pk", "title", "tokens", "status"):
        theirs = set(need.tokens.split())
        shared = len(words & theirs)
        if shared:
            scored.append((need, round(shared / len(words | theirs), 2)))
    scored.sort(key=lambda pair: (-pair[1], -pair[0].pk))
    return scored[:limit]


def pending_for(user):
    return scoping.submissions_for(user).filter(status=Submission.Status.RECEIVED)


# --- What the resident's private link shows: the stage, nothing else -------------------------------------------

STAGES = {
    "received": gettext_lazy("Received: the community will look at it"),
    "declined": gettext_lazy("Not taken on"),
    "on_list": gettext_lazy("On the community's needs list"),
    "matched": gettext_lazy("Matched with a unit that can help"),
    "project": gettext_lazy("A service project is under way"),
    "done": gettext_lazy("Done: the project is completed"),
}
STAGE_ORDER = ("received", "on_list", "matched", "project", "done")

# committees cannot import matching: the pipeline registers whether a need has a proposal (MatchingConfig.ready).
MATCH_PROBES: list[Callable[[int], bool]] = []


def register_match_probe(probe: Callable[[int], bool]) -> None:
    if probe not in MATCH_PROBES:
        MATCH_PROBES.append(probe)


def stage_of(submission: Submission) -> str:
    if submission.status == Submission.Status.RECEIVED:
        return "received"
    if submission.status == Submission.Status.DECLINED:
        return "declined"
    need_id = submission.need_id
    projects = Allocation.objects.filter(need_id=need_id).exclude(project__status=Project.Status.CANCELLED)
    if projects.filter(project__status=Project.Status.COMPLETED).exists():
        return "done"
    if projects.exists():
        return "project"
    if Claim.objects.filter(need_id=need_id).exists() or any(probe(need_id) for probe in MATCH_PROBES):
        return "matched"
    return "on_list"


def inbox_todos(user) -> list:
    """The secretary's to-do: residents' submissions waiting in their community's inbox (two queries)."""
    if not scoping.scope_of(user).manages_anything:
        return []
    pending = list(pending_for(user).select_related("committee").order_by("created_at")[:20])
    return [
        TodoItem(
            kind="resident_submissions",
            title=_("Answer a resident's submission: %(summary)s") % {"summary": submission.summary},
            url=reverse("admin:committees_submission_change", args=[submission.pk]),
            deadline=timezone.localtime(submission.created_at).date()
            + datetime.timedelta(days=RESPONSE_DAYS),
            detail=submission.committee.name,
        )
        for submission in pending
    ]


# The secretary answers a resident within this many days (the to-do's deadline).
RESPONSE_DAYS = 3
