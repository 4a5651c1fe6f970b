"""Project progress after confirmation: both sides report, the lead unit marks milestones and completion, and
a project unfinished by its planned end is carried over with a reason and a new date, never dropped; one that will
not happen is cancelled by its committee, with a reason, and its quantity goes back to the lists."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import notifications
from committees.models import Project
from committees.services import allocations
from config.exceptions import InvalidTransition
from matching import photos, scoping
from matching.models import Cancellation, CarryOver, Milestone, ProjectUpdate
from matching.outcomes import evaluation

# Reminders about a late project go out on the day after its planned end and then every week.
LATE_REMINDER_EVERY_DAYS = 7


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def _require_active(project: Project) -> None:
    if project.status not in Project.ACTIVE_STATUSES:
        raise InvalidTransition(
            _("The project is %(status)s; it cannot change any more.")
            % {"status": Project.Status(project.status).label}
        )


def _start(project: Project) -> None:
    if project.status == Project.Status.PLANNED:
        project.status = Project.Status.IN_PROGRESS
        project.save(update_fields=["status", "updated_at"])


def post_update(*, project: Project, by, text: str, photo=None) -> ProjectUpdate:
    """Either side (or the secretary) reports progress; the first report starts a planned project."""
    project_sides = scoping.project_sides(project)
    acting = scoping.project_sides_of(by, project, project_sides)
    if not acting:
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Describe the progress.")})
    my_units = scoping.my_units_on(by, project_sides)
    stored_photo = None
    if photo:
        # Never the upload itself: its pixels, re-encoded under a random name (matching.photos); decoded before
        # the project is locked.
        try:
            stored_photo = photos.reencode(photo)
        except ValidationError as error:
            raise ValidationError({"photo": error.error_list}) from error
    with transaction.atomic():
        project = _locked(project)
        _require_active(project)
        update = ProjectUpdate(
            project=project, unit_id=min(my_units) if my_units else None, text=text, created_by=by
        )
        if stored_photo is not None:
            update.photo = stored_photo
        update.full_clean(exclude=["project", "created_by", "unit", "photo"])
        update.save()
        _start(project)
    others = project_sides.units - my_units
    notifications.notify(
        notifications.liaisons_of(others),
        _("New progress on project %(title)s") % {"title": project.title},
        reverse("project_detail", args=[project.pk]),
        about=project,
    )
    return update


def add_milestone(*, project: Project, by, title: str, due_on: datetime.date) -> Milestone:
    if not scoping.leads(by, project):
        raise PermissionDenied
    with transaction.atomic():
        project = _locked(project)
        _require_active(project)
        milestone = Milestone(project=project, title=title.strip(), due_on=due_on)
        milestone.full_clean(exclude=["project"])
        milestone.save()
    return milestone


def complete_milestone(*, milestone: Milestone, by) -> Milestone:
    if not scoping.leads(by, milestone.project):
        raise PermissionDenied
    with transaction.atomic():
        project = _locked(milestone.project)
        _require_active(project)
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.done_at is None:  # marking twice keeps the first time
            milestone.done_at = timezone.now()
            milestone.done_by = by
            milestone.save(update_fields=["done_at", "done_by"])
        _start(project)
    return milestone


def complete_project(*, project: Project, by) -> Project:
    """The lead unit (or the secretary) marks the project done: the two-way evaluation window opens."""
    if not scoping.leads(by, project):
        raise PermissionDenied
    with transaction.atomic():
        project = _locked(project)
        if project.status == Project.Status.COMPLETED:
            return project
        _require_active(project)
        open_milestones = project.milestones.filter(done_at__isnull=True).count()
        if open_milestones:
            raise InvalidTransition(
                _("%(count)d milestone(s) are not done yet; mark them done first.")
                % {"count": open_milestones}
            )
        project.status = Project.Status.COMPLETED
        project.completed_at = timezone.now()
        project.save(update_fields=["status", "completed_at", "updated_at"])
        notifications.resolve(project)  # late reminders and progress notes are done; the invitation follows
    evaluation.invite(project)
    return project


def carry_over(*, project: Project, by, reason: str, new_end: datetime.date) -> CarryOver:
    """An unfinished project moves to a new planned end, with the reason recorded (and kept in its history)."""
    if not scoping.leads(by, project):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the project is unfinished.")})
    with transaction.atomic():
        project = _locked(project)
        _require_active(project)
        if new_end <= project.ends_on or new_end <= timezone.localdate():
            raise ValidationError(
                {"new_end": _("The new date must be later than today and than the previous planned end.")}
            )
        record = CarryOver.objects.create(
            project=project, previous_end=project.ends_on, new_end=new_end, reason=reason, created_by=by
        )
        project.ends_on = new_end
        project.status = Project.Status.CARRIED_OVER
        project.save(update_fields=["ends_on", "status", "updated_at"])
        notifications.resolve(project)  # the late reminders asked for this
    return record


def cancel_project(*, project: Project, by, reason: str) -> Cancellation:
    """The committee's secretary cancels a project that will not happen (scoping.may_cancel_project says why not
    the lead unit): the quantity allocated to it goes back to its needs and resources, which return to the lists
    (published or partly allocated); who, when and why are kept (the cancellation, and the project's and records'
    history); both sides' liaisons are told. A completed or already cancelled project cannot be cancelled. Locks:
    the project, then its needs, then its resources (the app's one order, see deliberate.lock_open_topic)."""
    if not scoping.may_cancel_project(by, project):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the project is cancelled.")})
    with transaction.atomic():
        project = _locked(project)
        _require_active(project)
        cancellation = Cancellation.objects.create(project=project, reason=reason, created_by=by)
        allocations.release(project=project, by=by, reason=reason)
        project.status = Project.Status.CANCELLED
        project._history_user = by
        project._change_reason = reason[:100]  # the history's reason column holds 100 characters
        project.save(update_fields=["status", "updated_at"])
        units = set(scoping.project_sides(project).units) | ({project.lead_unit_id} - {None})
        notifications.resolve(project)
        notifications.notify(
            notifications.liaisons_of(units),
            _("Project %(title)s is cancelled: %(reason)s") % {"title": project.title, "reason": reason},
            reverse("project_detail", args=[project.pk]),
            about=project,
        )
    return cancellation


def late(projects: QuerySet[Project], today: datetime.date | None = None) -> QuerySet[Project]:
    """Active projects past their planned end (Project.is_late): the committee sees them until completed or
    carried over."""
    return projects.late(today)


def remind_late_projects(today: datetime.date | None = None) -> int:
    """Tell the lead unit and the secretaries of each late project, the day after its end and weekly after."""
    today = today or timezone.localdate()
    reminded = 0
    for project in late(Project.objects.all(), today).iterator(chunk_size=500):
        if (today - project.ends_on).days % LATE_REMINDER_EVERY_DAYS != 1:
            continue
        message = _(
            "Project %(title)s was planned to end on %(end)s and is not completed: "
            "complete it, or carry it over with a reason and a new date."
        ) % {"title": project.title, "end": project.ends_on.isoformat()}
        people = notifications.liaisons_of([project.lead_unit_id] if project.lead_unit_id else [])
        people += notifications.secretaries_of([project.committee_id])
        reminded += notifications.notify(
            people, message, reverse("project_detail", args=[project.pk]), about=project
        )
    return reminded
