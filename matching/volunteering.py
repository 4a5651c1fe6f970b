"""Community tasks for reported party members: publish (and mobilise), sign up under a row lock (a task never
takes more people than it asked for: the lock orders the sign-ups, the database constraint is the last word),
cancel, check in, confirm hours. Hours count only once the community confirms them."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import notifications
from committees.models import Committee, Level, MemberReport, Notification
from committees.models.reporting import has_skill_q
from config.exceptions import InvalidTransition
from config.todo import TodoItem

from . import scoping
from .models import CommunityTask, SignUp

TASK_FIELDS = (
    "title",
    "description",
    "place",
    "starts_at",
    "ends_at",
    "people_wanted",
    "skill",
    "urgent",
    "street_wide",
    "need",
)


class TaskFull(InvalidTransition):
    """The task has the people it asked for."""


def publish_task(*, by, community: Committee, **fields) -> CommunityTask:
    """A community's secretary publishes a task; an urgent one is pushed to the members with the skill at once."""
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    scoping.require_manages_committee(by, community)
    if community.level != Level.COMMUNITY:
        raise ValidationError({"community": _("Tasks are published by a community.")})
    need = fields.get("need")
    if need is not None and need.committee_id != community.pk:
        raise ValidationError({"need": _("Only a need of this community can become its task.")})
    task = CommunityTask(community=community, created_by=by, **fields)
    task.full_clean(exclude=["created_by"])
    if task.starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("A task starts in the future.")})
    with transaction.atomic():
        task._history_user = by
        task.save()
        if task.urgent:
            mobilise(by=by, task=task, street_wide=task.street_wide)
    return task


def mobilisation_targets(task: CommunityTask, *, street_wide: bool):
    """The confirmed members of the community (of the street, when widened) with the skill wanted."""
    members = MemberReport.objects.filter(status=MemberReport.Status.CONFIRMED)
    if street_wide:
        members = members.filter(community__parent_id=task.community.parent_id)
    else:
        members = members.filter(community_id=task.community_id)
    if task.skill:
        members = members.filter(has_skill_q(task.skill))
    return members.exclude(sign_ups__task=task, sign_ups__status__in=SignUp.LIVE)


def mobilise(*, by, task: CommunityTask, street_wide: bool = False) -> int:
    """应急动员: notify every reported member with the skill (of the street when widened); returns how many."""
    scoping.require_manages_task(by, task)
    if street_wide and not task.street_wide:
        with transaction.atomic():
            CommunityTask.objects.filter(pk=task.pk).update(street_wide=True)
            task.street_wide = True
    users = [
        member.user for member in mobilisation_targets(task, street_wide=street_wide).select_related("user")
    ]
    return notifications.notify(
        users,
        _("Urgent: %(title)s at %(place)s, %(when)s; %(left)s places left. Sign up if you can.")
        % {
            "title": task.title,
            "place": task.place,
            "when": timezone.localtime(task.starts_at).strftime("%m-%d %H:%M"),
            "left": task.places_left,
        },
        f"/members/tasks/{task.pk}/",
        about=task,
    )


def cancel_task(*, by, task: CommunityTask, reason: str) -> CommunityTask:
    scoping.require_manages_task(by, task)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the task is cancelled.")})
    with transaction.atomic():
        task = CommunityTask.objects.select_for_update().get(pk=task.pk)
        if task.status != CommunityTask.Status.PUBLISHED:
            raise InvalidTransition(_("The task is already cancelled."))
        task.status = CommunityTask.Status.CANCELLED
        task._history_user = by
        task.save()
        members = [
            s.member.user
            for s in task.sign_ups.filter(status=SignUp.Status.SIGNED_UP).select_related("member__user")
        ]
        notifications.resolve(task)
        notifications.notify(
            members,
            _("The task %(title)s is cancelled: %(reason)s")
            % {"title": task.title, "reason": reason.strip()},
            "/members/tasks/",
        )
    return task


def sign_up(*, by, task: CommunityTask) -> SignUp:
    """A reported member signs up; refused with TaskFull once the task has the people it asked for."""
    member = scoping.member_report_of(by)
    if member is None or not scoping.sees_task(by, task):
        raise PermissionDenied
    with transaction.atomic():
        task = CommunityTask.objects.select_for_update().get(pk=task.pk)
        if task.status != CommunityTask.Status.PUBLISHED:
            raise InvalidTransition(_("This task is no longer open."))
        if task.starts_at <= timezone.now():
            raise InvalidTransition(_("This task has already started."))
        if task.is_full:
            raise TaskFull(
                _("This task already has the %(count)s people it asked for.") % {"count": task.people_wanted}
            )
        if task.sign_ups.filter(member=member, status__in=SignUp.LIVE).exists():
            raise InvalidTransition(_("You have already signed up for this task."))
        entry = SignUp(task=task, member=member)
        entry._history_user = by
        entry.save()
        # a counter, not a change of the task's content: no history row (the sign-up has its own)
        CommunityTask.objects.filter(pk=task.pk).update(signed_up_count=F("signed_up_count") + 1)
        task.refresh_from_db(fields=["signed_up_count"])
        if task.is_full:
            task.filled_at = timezone.now()
            CommunityTask.objects.filter(pk=task.pk).update(filled_at=task.filled_at)
            notifications.resolve(task)  # the mobilisation's notifications are done: nobody else is needed
        else:
            notifications.resolve(task, users=[by])
    return entry


def cancel_sign_up(*, by, sign_up: SignUp) -> SignUp:
    """The member withdraws before the task starts; the place opens again."""
    if not scoping.owns_sign_up(by, sign_up):
        raise PermissionDenied
    with transaction.atomic():
        task = CommunityTask.objects.select_for_update().get(pk=sign_up.task_id)
        entry = SignUp.objects.select_for_update().get(pk=sign_up.pk)
        if entry.status != SignUp.Status.SIGNED_UP or task.starts_at <= timezone.now():
            raise InvalidTransition(_("Only a sign-up for a task that has not started can be cancelled."))
        entry.status = SignUp.Status.CANCELLED
        entry._history_user = by
        entry.save()
        CommunityTask.objects.filter(pk=task.pk).update(
            signed_up_count=F("signed_up_count") - 1, filled_at=None
        )
    return entry


def check_in(*, by, sign_up: SignUp) -> SignUp:
    """The community checks a member in on the day (from an hour before the start)."""
    if not scoping.manages_sign_up(by, sign_up):
        raise PermissionDenied
    with transaction.atomic():
        entry = SignUp.objects.select_for_update().select_related("task").get(pk=sign_up.pk)
        if entry.status != SignUp.Status.SIGNED_UP:
            raise InvalidTransition(_("Only a member who signed up and is not checked in can be checked in."))
        if timezone.now() < entry.task.starts_at - datetime.timedelta(hours=1):
            raise InvalidTransition(_("Check-in opens an hour before the task starts."))
        entry.status = SignUp.Status.CHECKED_IN
        entry.checked_in_at = timezone.now()
        entry._history_user = by
        entry.save()
    return entry


def confirm_hours(*, by, sign_up: SignUp, hours=None) -> SignUp:
    """The community confirms the hours a checked-in member served (the task's length unless it says otherwise);
    only now do they count in the member's hours, the unit's feedback and the figures."""
    if not scoping.manages_sign_up(by, sign_up):
        raise PermissionDenied
    with transaction.atomic():
        entry = SignUp.objects.select_for_update().select_related("task").get(pk=sign_up.pk)
        if entry.status != SignUp.Status.CHECKED_IN:
            raise InvalidTransition(_("Hours are confirmed for a member who was checked in, once."))
        try:
            value = Decimal(str(hours)) if hours not in (None, "") else entry.task.planned_hours
        except InvalidOperation as error:
            raise ValidationError({"hours": _("Enter the hours as a number, e.g. 2.5.")}) from error
        if not Decimal("0.5") <= value <= Decimal("24"):
            raise ValidationError({"hours": _("Hours are between 0.5 and 24.")})
        entry.hours = value.quantize(Decimal("0.1"))
        entry.status = SignUp.Status.CONFIRMED
        entry.confirmed_at = timezone.now()
        entry.confirmed_by = by
        entry._history_user = by
        try:
            entry.save()
        except IntegrityError as error:  # pragma: no cover - the lock above makes this a last word only
            raise InvalidTransition(_("The hours could not be recorded.")) from error
        notifications.resolve(entry)
    return entry


# --- To-do providers (config.todo): registered in MatchingConfig.ready ---------------------------------------------


def todos_of_member(user):
    """A member: tomorrow's (and today's) tasks they signed up for."""
    if not scoping.scope_of(user).is_reported_member:
        return []
    now = timezone.now()
    soon = SignUp.objects.filter(
        member__user_id=user.pk,
        status=SignUp.Status.SIGNED_UP,
        task__starts_at__gte=now,
        task__starts_at__lt=now + datetime.timedelta(days=2),
        task__status=CommunityTask.Status.PUBLISHED,
    ).select_related("task")[:10]
    return [
        TodoItem(
            "member_task",
            _("Your task: %(title)s") % {"title": entry.task.title},
            f"/members/tasks/{entry.task_id}/",
            deadline=entry.task.starts_at,
            detail=f"{timezone.localtime(entry.task.starts_at):%m-%d %H:%M} · {entry.task.place}",
        )
        for entry in soon
    ]


def todos_of_secretary(user):
    """A community's secretary: member reports to confirm, hours to confirm."""
    scope = scoping.scope_of(user)
    if not scope.manage_codes:
        return []
    reports = scoping.member_reports_to_manage(user).filter(status=MemberReport.Status.PENDING).count()
    hours = scoping.sign_ups_to_manage(user).filter(status=SignUp.Status.CHECKED_IN).count()
    items = []
    if reports:
        items.append(
            TodoItem(
                "member_reports",
                _("Confirm %(count)s party members' reports") % {"count": reports},
                "/admin/committees/memberreport/?status__exact=pending",
            )
        )
    if hours:
        items.append(
            TodoItem(
                "service_hours",
                _("Confirm the hours of %(count)s checked-in members") % {"count": hours},
                "/admin/matching/signup/?status__exact=checked_in",
            )
        )
    return items


# --- Reminders (a nightly job) -------------------------------------------------------------------------------------


def remind_tomorrows_tasks(*, today=None) -> int:
    """Remind every member signed up for a task of tomorrow, once per sign-up (a notification about the sign-up;
    a second run finds it and sends nothing). Returns how many were reminded."""
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    entries = SignUp.objects.filter(
        status=SignUp.Status.SIGNED_UP,
        task__status=CommunityTask.Status.PUBLISHED,
        task__starts_at__gte=start,
        task__starts_at__lt=start + datetime.timedelta(days=1),
    ).select_related("task", "member__user")
    kind = ContentType.objects.get_for_model(SignUp)
    reminded = set(
        Notification.objects.filter(subject_type=kind, subject_id__in=[e.pk for e in entries]).values_list(
            "subject_id", flat=True
        )
    )
    count = 0
    for entry in entries:
        if entry.pk in reminded:
            continue
        count += notifications.notify(
            [entry.member.user],
            _("Reminder: tomorrow %(when)s, %(title)s at %(place)s.")
            % {
                "when": timezone.localtime(entry.task.starts_at).strftime("%H:%M"),
                "title": entry.task.title,
                "place": entry.task.place,
            },
            f"/members/tasks/{entry.task_id}/",
            about=entry,
        )
    return count
