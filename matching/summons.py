"""吹哨报到: every state change of a summons and of each summoned department's part, the reminders and the
escalation of a missed report deadline, and the to-do items of the department's people and the secretaries.

Deadlines: an urgent (应急) summons counts in hours; an ordinary one in working days, Monday to Friday (public
holidays and their make-up working days are not known to the product: the secretary edits the deadline then).
A part not reported by its deadline is reminded once at the deadline (its people on duty), then escalated once
after a grace period (its leadership contacts and the district's secretaries): `chase` records when each went out.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import notifications
from committees.models import DutySeat, Need, User
from committees.services import records
from config.exceptions import InvalidTransition
from config.todo import TodoItem
from matching import photos, scoping
from matching.models import Summons, SummonsPart, SummonsRecord, SummonsRules

# After the report deadline, a part still not reported is escalated this long later (hours urgent, days ordinary).
ESCALATE_AFTER = {
    Summons.Urgency.URGENT: datetime.timedelta(hours=1),
    Summons.Urgency.ORDINARY: datetime.timedelta(days=1),
}
SUMMONS_FIELDS = ("title", "description", "place", "category", "urgency")


# --- Deadlines --------------------------------------------------------------------------------------------------


def add_working_days(moment: datetime.datetime, days: int) -> datetime.datetime:
    """`days` working days (Monday to Friday) after `moment`, at the same time of day, in Beijing time. A moment
    on a weekend counts from the next Monday's start."""
    local = timezone.localtime(moment)
    while local.weekday() >= 5:
        local = (local + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    added = 0
    while added < days:
        local += datetime.timedelta(days=1)
        if local.weekday() < 5:
            added += 1
    return local


def default_deadlines(committee, urgency: str, now: datetime.datetime) -> tuple[datetime.datetime, ...]:
    """(report by, resolve by) from the committee's rules (or the defaults)."""
    rules = SummonsRules.objects.filter(committee=committee).first() or SummonsRules(committee=committee)
    if urgency == Summons.Urgency.URGENT:
        return (
            now + datetime.timedelta(hours=rules.urgent_report_hours),
            now + datetime.timedelta(hours=rules.urgent_resolve_hours),
        )
    return add_working_days(now, rules.ordinary_report_days), add_working_days(
        now, rules.ordinary_resolve_days
    )


# --- People to tell ---------------------------------------------------------------------------------------------


def _people_of(department_ids, role: str) -> list[User]:
    seats = (
        DutySeat.objects.current().filter(department_id__in=department_ids, role=role).select_related("user")
    )
    return [seat.user for seat in seats]


def on_duty(department_ids) -> list[User]:
    return _people_of(department_ids, DutySeat.Role.ON_DUTY)


def leaders_of(department_ids) -> list[User]:
    return _people_of(department_ids, DutySeat.Role.LEADER)


def _part_url(part: SummonsPart) -> str:
    return reverse("summons_part", args=[part.pk])


def _summons_url(summons: Summons) -> str:
    return reverse("admin:matching_summons_change", args=[summons.pk])


# --- Raising a summons -----------------------------------------------------------------------------------------


def raise_summons(
    *,
    by,
    committee,
    departments,
    title: str,
    place: str,
    category: str,
    urgency: str = Summons.Urgency.ORDINARY,
    description: str = "",
    report_due_at: datetime.datetime | None = None,
    resolve_due_at: datetime.datetime | None = None,
    need: Need | None = None,
    now: datetime.datetime | None = None,
) -> Summons:
    """A secretary of `committee` (or above) summons departments for one matter; each department's people on duty
    are notified. Deadlines default to the committee's rules."""
    scoping.require_manages_committee(by, committee)
    return _open_summons(
        by=by,
        committee=committee,
        departments=departments,
        title=title,
        place=place,
        category=category,
        urgency=urgency,
        description=description,
        report_due_at=report_due_at,
        resolve_due_at=resolve_due_at,
        need=need,
        now=now,
    )


def _open_summons(
    *,
    by,
    committee,
    departments,
    title: str,
    place: str,
    category: str,
    urgency: str,
    description: str,
    report_due_at,
    resolve_due_at,
    need,
    now,
) -> Summons:
    """Validate and save a summons of `committee` with one part per department, and notify them (the caller has
    checked who may)."""
    now = now or timezone.now()
    department_ids = {getattr(department, "pk", department) for department in departments}
    if not department_ids:
        raise ValidationError({"departments": _("Summon at least one department.")})
    allowed = set(
        scoping.departments_to_summon(committee).filter(pk__in=department_ids).values_list("pk", flat=True)
    )
    if allowed != department_ids:
        raise ValidationError(
            {
                "departments": _(
                    "Only departments covering this area may be summoned (a community summons its street's "
                    "stations)."
                )
            }
        )
    default_report, default_resolve = default_deadlines(committee, urgency, now)
    summons = Summons(
        committee=committee,
        title=(title or "").strip(),
        description=(description or "").strip(),
        place=(place or "").strip(),
        category=category,
        urgency=urgency,
        report_due_at=report_due_at or default_report,
        resolve_due_at=resolve_due_at or default_resolve,
        need=need,
        raised_by=by,
        raised_at=now,
    )
    if summons.report_due_at <= now:
        raise ValidationError({"report_due_at": _("The deadline to report must be in the future.")})
    if summons.resolve_due_at < summons.report_due_at:
        raise ValidationError(
            {"resolve_due_at": _("The deadline to resolve cannot be before the deadline to report.")}
        )
    summons.full_clean(exclude=["raised_by", "need"])
    with transaction.atomic():
        summons._history_user = by
        summons.save()
        parts = [SummonsPart(summons=summons, department_id=pk) for pk in sorted(department_ids)]
        for part in parts:
            part._history_user = by
            part.save()
            notifications.notify(
                on_duty([part.department_id]),
                _("Summons (%(urgency)s) from %(committee)s: %(title)s — report by %(due)s")
                % {
                    "urgency": summons.get_urgency_display(),
                    "committee": committee.name,
                    "title": summons.title,
                    "due": timezone.localtime(summons.report_due_at).strftime("%Y-%m-%d %H:%M"),
                },
                _part_url(part),
                about=part,
            )
    return summons


def summons_from_need(
    *,
    need: Need,
    by,
    departments,
    category: str,
    urgency: str = Summons.Urgency.ORDINARY,
    place: str = "",
    **kw,
) -> Summons:
    """A need no unit could take becomes a summons of its committee: the summons keeps the need, and the need is
    withdrawn through the lists' own service with the reason recorded in its history."""
    scoping.require_change(by, need)
    if need.status not in Need.LIVE_STATUSES and need.status != Need.Status.DRAFT:
        raise InvalidTransition(_("Only a need still on the lists can become a summons."))
    if Summons.objects.filter(need=need).exists():
        raise InvalidTransition(_("This need is already a summons."))
    with transaction.atomic():
        summons = raise_summons(
            by=by,
            committee=need.committee,
            departments=departments,
            title=need.title[:120],
            description=need.description,
            place=place or need.committee.name,
            category=category,
            urgency=urgency,
            need=need,
            **kw,
        )
        records.withdraw_record(
            need, by=by, reason=_("Became summons no. %(number)d (吹哨)") % {"number": summons.pk}
        )
    return summons


def pass_up(*, summons: Summons, by, departments, reason: str, now=None) -> Summons:
    """A matter beyond the committee goes up one level (a community's to its street, a street's to its district),
    as needs escalate: its secretary names the departments the committee above may summon and says why; the
    summons is closed as passed up (its reminders stop) and the committee above holds a new one for the same
    matter, with its own deadlines, which its secretaries follow, close and rate. Returns the new summons."""
    scoping.require_manages_summons(by, summons)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the matter is beyond this committee.")})
    now = now or timezone.now()
    with transaction.atomic():
        summons = Summons.objects.select_for_update().get(pk=summons.pk)
        if not summons.is_open:
            raise InvalidTransition(_("The summons is already closed."))
        above = summons.committee.parent
        if above is None:
            raise InvalidTransition(_("A district's summons has no committee above it to pass it to."))
        passed = _open_summons(
            by=by,
            committee=above,
            departments=departments,
            title=summons.title,
            place=summons.place,
            category=summons.category,
            urgency=summons.urgency,
            description=summons.description,
            report_due_at=None,
            resolve_due_at=None,
            need=None,
            now=now,
        )
        summons.status = Summons.Status.PASSED_UP
        summons.passed_up_to = passed
        summons.closed_at = now
        summons.closed_by = by
        summons.closing_note = reason
        summons._history_user = by
        summons.save()
        for part in summons.parts.all():
            notifications.resolve(part)
        notifications.resolve(summons)
        notifications.notify(
            notifications.secretaries_of([above.pk]),
            _("%(committee)s passed a summons up to you: %(title)s (%(reason)s)")
            % {"committee": summons.committee.name, "title": summons.title, "reason": reason},
            _summons_url(passed),
            about=passed,
        )
    return passed


# --- The department's part: report, handle, finish ------------------------------------------------------------


def _locked_part(part: SummonsPart) -> SummonsPart:
    return SummonsPart.objects.select_for_update().select_related("summons").get(pk=part.pk)


def _move(part: SummonsPart, status: str) -> None:
    if not part.summons.is_open:
        raise InvalidTransition(_("The summons is closed."))
    if not part.can_become(status):
        raise InvalidTransition(
            _("This department's part is %(current)s; it cannot become %(target)s.")
            % {
                "current": SummonsPart.Status(part.status).label,
                "target": SummonsPart.Status(status).label,
            }
        )
    part.status = status


def report(*, part: SummonsPart, by, attendee_name: str, attendee_phone: str = "", now=None) -> SummonsPart:
    """The department reports (报到): it acknowledges and names who comes. Late reports are accepted (and counted
    late in the figures)."""
    scoping.require_report_for(by, part)
    attendee_name = (attendee_name or "").strip()
    if not attendee_name:
        raise ValidationError({"attendee_name": _("Name the person who comes.")})
    now = now or timezone.now()
    with transaction.atomic():
        part = _locked_part(part)
        _move(part, SummonsPart.Status.REPORTED)
        part.attendee_name = attendee_name
        part.attendee_phone = (attendee_phone or "").strip()
        part.full_clean(exclude=["summons", "department"])
        part.reported_at = now
        part.reported_by = by
        part._history_user = by
        part.save()
        notifications.resolve(part)
        summons = part.summons
        notifications.notify(
            notifications.secretaries_of([summons.committee_id]),
            _("%(department)s reported on “%(title)s”: %(person)s is coming")
            % {"department": part.department.name, "title": summons.title, "person": attendee_name},
            _summons_url(summons),
        )
    return part


def record_handling(*, part: SummonsPart, by, text: str, photo=None) -> SummonsRecord:
    """What the department did, with an optional photo (re-encoded before anything is locked)."""
    scoping.require_report_for(by, part)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Describe what was done.")})
    stored = photos.reencode(photo) if photo else None
    with transaction.atomic():
        part = _locked_part(part)
        if part.status != SummonsPart.Status.REPORTED or not part.summons.is_open:
            raise InvalidTransition(_("Report first; a finished part takes no more records."))
        record = SummonsRecord(part=part, text=text, created_by=by)
        record.full_clean(exclude=["part", "created_by", "photo"])
        if stored is not None:
            record.photo.save(stored.name, stored, save=False)
        record.save()
    return record


def finish_part(*, part: SummonsPart, by, done: bool, reason: str = "", now=None) -> SummonsPart:
    """The department marks its part done, or says why it cannot handle it (the street sees the reason)."""
    scoping.require_report_for(by, part)
    reason = (reason or "").strip()
    if not done and not reason:
        raise ValidationError({"reason": _("Say why the department cannot handle it.")})
    with transaction.atomic():
        part = _locked_part(part)
        _move(part, SummonsPart.Status.DONE if done else SummonsPart.Status.UNABLE)
        part.unable_reason = "" if done else reason
        part.finished_at = now or timezone.now()
        part._history_user = by
        part.save()
        summons = part.summons
        message = (
            _("%(department)s finished its part of “%(title)s”")
            if done
            else _("%(department)s cannot handle “%(title)s”: %(reason)s")
        ) % {"department": part.department.name, "title": summons.title, "reason": reason}
        notifications.notify(
            notifications.secretaries_of([summons.committee_id]), message, _summons_url(summons)
        )
    return part


# --- Closing and rating -----------------------------------------------------------------------------------------


def _check_score(value, field: str) -> int:
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({field: _("Rate from 1 to 5.")})
    return score


def rate_part(*, part: SummonsPart, by, timeliness, attitude, result, now=None) -> SummonsPart:
    """The summoning secretary rates a department's response (timeliness, attitude, result, 1 to 5)."""
    scoping.require_manages_summons(by, part.summons)
    scores = {
        "timeliness": _check_score(timeliness, "timeliness"),
        "attitude": _check_score(attitude, "attitude"),
        "result": _check_score(result, "result"),
    }
    with transaction.atomic():
        part = _locked_part(part)
        for field, score in scores.items():
            setattr(part, field, score)
        part.rated_at = now or timezone.now()
        part._history_user = by
        part.save()
    return part


def close_summons(
    *, summons: Summons, by, resolved: bool, note: str = "", ratings: dict | None = None, now=None
) -> Summons:
    """The summoning secretary closes the matter as resolved or not and rates each department that reported:
    `ratings` maps a part's id to (timeliness, attitude, result). Open parts are ended with the summons (their
    reminders stop); a department that never reported is rated too, if the secretary gives a rating."""
    scoping.require_manages_summons(by, summons)
    now = now or timezone.now()
    ratings = ratings or {}
    with transaction.atomic():
        summons = Summons.objects.select_for_update().get(pk=summons.pk)
        if not summons.is_open:
            raise InvalidTransition(_("The summons is already closed."))
        parts = list(summons.parts.select_for_update().order_by("pk"))
        unknown = set(ratings) - {part.pk for part in parts}
        if unknown:
            raise ValidationError({"ratings": _("Rate only the departments of this summons.")})
        summons.status = Summons.Status.RESOLVED if resolved else Summons.Status.UNRESOLVED
        summons.closed_at = now
        summons.closed_by = by
        summons.closing_note = (note or "").strip()
        summons._history_user = by
        summons.save()
        for part in parts:
            if part.pk in ratings:
                timeliness, attitude, result = ratings[part.pk]
                part.timeliness = _check_score(timeliness, "timeliness")
                part.attitude = _check_score(attitude, "attitude")
                part.result = _check_score(result, "result")
                part.rated_at = now
                part._history_user = by
                part.save()
            notifications.resolve(part)
        notifications.resolve(summons)
    return summons


# --- Each committee's default deadlines ------------------------------------------------------------------------

RULES_FIELDS = (
    "urgent_report_hours",
    "urgent_resolve_hours",
    "ordinary_report_days",
    "ordinary_resolve_days",
)


def save_rules(*, by, committee, **fields) -> SummonsRules:
    """A secretary sets their committee's default deadlines."""
    scoping.require_manages_committee(by, committee)
    with transaction.atomic():
        rules = SummonsRules.objects.select_for_update().filter(committee=committee).first()
        rules = rules or SummonsRules(committee=committee)
        for name in RULES_FIELDS:
            if name in fields:
                setattr(rules, name, fields[name])
        rules.full_clean(validate_unique=False)
        rules._history_user = by
        rules.save()
    return rules


# --- Reminders and escalation (a scheduled job) -------------------------------------------------------------


def chase(now: datetime.datetime | None = None) -> tuple[int, int]:
    """Remind at once every department whose report deadline has passed, then escalate to its leadership and the
    district's secretaries after the grace period. Each goes out once per part (a compare-and-set on reminded_at
    and escalated_at): running the job twice, or on two workers, sends nothing twice. Returns (reminded,
    escalated)."""
    now = now or timezone.now()
    late = SummonsPart.objects.filter(
        status=SummonsPart.Status.SUMMONED,
        summons__status=Summons.Status.OPEN,
        summons__report_due_at__lte=now,
    )
    reminded = escalated = 0
    for part in late.filter(reminded_at__isnull=True).select_related("summons", "department"):
        with transaction.atomic():
            if SummonsPart.objects.filter(pk=part.pk, reminded_at__isnull=True).update(reminded_at=now) != 1:
                continue
            notifications.notify(
                on_duty([part.department_id]),
                _("Overdue: report now on the summons “%(title)s” from %(committee)s")
                % {"title": part.summons.title, "committee": part.summons.committee.name},
                _part_url(part),
                about=part,
            )
            reminded += 1
    for part in late.filter(escalated_at__isnull=True).select_related(
        "summons__committee", "department__district"
    ):
        if part.summons.report_due_at + ESCALATE_AFTER[part.summons.urgency] > now:
            continue
        with transaction.atomic():
            if (
                SummonsPart.objects.filter(pk=part.pk, escalated_at__isnull=True).update(escalated_at=now)
                != 1
            ):
                continue
            people = leaders_of([part.department_id]) + notifications.secretaries_of(
                [part.department.district_id]
            )
            notifications.notify(
                people,
                _(
                    "%(department)s has not reported on the summons “%(title)s” from %(committee)s (due %(due)s)"
                )
                % {
                    "department": part.department.name,
                    "title": part.summons.title,
                    "committee": part.summons.committee.name,
                    "due": timezone.localtime(part.summons.report_due_at).strftime("%Y-%m-%d %H:%M"),
                },
                _summons_url(part.summons),
                about=part.summons,
            )
            escalated += 1
    return reminded, escalated


# --- To-do items ------------------------------------------------------------------------------------------------


def todo_for_department(user) -> list[TodoItem]:
    """The department's people: each open part, to report (by the report deadline) or to handle (by the resolve
    deadline). Two queries at most."""
    if not scoping.scope_of(user).department_ids:
        return []
    parts = (
        scoping.own_summons_parts(user)
        .filter(status__in=SummonsPart.OPEN_STATUSES, summons__status=Summons.Status.OPEN)
        .select_related("summons__committee", "department")
        .order_by("summons__report_due_at")[:50]
    )
    items = []
    for part in parts:
        summons = part.summons
        if part.status == SummonsPart.Status.SUMMONED:
            title = _("Report on the summons: %(title)s") % {"title": summons.title}
            deadline = summons.report_due_at
        else:
            title = _("Handle the summons: %(title)s") % {"title": summons.title}
            deadline = summons.resolve_due_at
        items.append(
            TodoItem(
                "summons",
                title,
                _part_url(part),
                deadline,
                f"{summons.committee.name} · {summons.place} · {part.department.name}",
            )
        )
    return items


def overdue_summons_to_manage(user, now=None):
    """Open summons of the user's committees with a department late to report or a resolve deadline passed."""
    now = now or timezone.now()
    late_parts = SummonsPart.objects.filter(
        status=SummonsPart.Status.SUMMONED, summons__report_due_at__lt=now
    )
    return (
        scoping.summons_to_manage(user)
        .filter(status=Summons.Status.OPEN)
        .filter(Q(pk__in=late_parts.values("summons_id")) | Q(resolve_due_at__lt=now))
        .select_related("committee")
        .order_by("report_due_at")
    )


def todo_for_secretary(user) -> list[TodoItem]:
    if not scoping.scope_of(user).manage_codes:
        return []
    return [
        TodoItem(
            "summons_overdue",
            _("Overdue summons: %(title)s") % {"title": summons.title},
            _summons_url(summons),
            summons.report_due_at,
            summons.committee.name,
        )
        for summons in overdue_summons_to_manage(user)[:20]
    ]
