"""The pipeline's to-do items (config.todo): what a liaison and a secretary must do next.

Registered in MatchingConfig.ready(). Each provider reads through the gate (matching.scoping) in a constant number
of queries; an item disappears when the thing is done (answered, rated, completed, decided, published), because the
query no longer finds it.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Allocation, Project
from config.todo import TodoItem, register_todo
from matching import scoping
from matching.models import Answer, Decision, Evaluation, MatchingRun, Proposal, Publication
from matching.outcomes import evaluation, periods

LIMIT = 10  # items per provider; the rest is one line linking to the full list
LATE_SHOWN = 5  # late projects first (overdue), but not so many that the topics to decide fall off the screen
REPORT_EVERY_DAYS = 14  # an active project with no progress report for this long asks for one


def _other_unit_name(proposal: Proposal, mine: frozenset[int]) -> str:
    if proposal.need.owner_unit_id in mine:
        return proposal.provider_unit.name if proposal.provider_unit_id else ""
    return proposal.need.owner_unit.name if proposal.need.owner_unit_id else ""


# --- The liaison ---------------------------------------------------------------------------------------------


def proposals_to_answer(user) -> list[TodoItem]:
    units = scoping.scope_of(user).liaison_unit_ids
    if not units:
        return []
    rows = (
        scoping.proposals_for(user)
        .filter(status__in=Proposal.OPEN_STATUSES)
        .filter(
            Q(need__owner_unit_id__in=units, need_side=Answer.PENDING)
            | Q(provider_unit_id__in=units, provider_side=Answer.PENDING)
        )
        .select_related("need__owner_unit", "provider_unit")
        .order_by("expires_at", "pk")[:LIMIT]
    )
    return [
        TodoItem(
            kind="proposals",
            title=_("Answer the proposed pairing: %(title)s") % {"title": proposal.need.title},
            url=reverse("proposal_answer", args=[proposal.pk]),
            deadline=proposal.expires_at,
            detail=_("with %(unit)s") % {"unit": other}
            if (other := _other_unit_name(proposal, units))
            else "",
        )
        for proposal in rows
    ]


def projects_to_report(user) -> list[TodoItem]:
    """The unit's active projects that are late (complete or carry over) or have had no report for a while."""
    units = scoping.scope_of(user).liaison_unit_ids
    if not units:
        return []
    today = timezone.localdate()
    quiet_since = timezone.now() - datetime.timedelta(days=REPORT_EVERY_DAYS)
    involved = Exists(
        Allocation.objects.filter(project_id=OuterRef("pk")).filter(
            Q(need__owner_unit_id__in=units) | Q(provider_unit_id__in=units)
        )
    )
    rows = (
        scoping.projects_for(user)
        .filter(Q(lead_unit_id__in=units) | involved, status__in=Project.ACTIVE_STATUSES)
        .annotate(last_report=Max("updates__created_at"))
        .filter(Q(ends_on__lt=today) | Q(last_report__isnull=True) | Q(last_report__lt=quiet_since))
        .order_by("ends_on", "pk")[:LIMIT]
    )
    items = []
    for project in rows:
        if project.is_late(today):
            title = _("Late: complete or carry over %(title)s") % {"title": project.title}
        else:
            title = _("Report progress on %(title)s") % {"title": project.title}
        items.append(
            TodoItem(
                kind="projects",
                title=title,
                url=reverse("project_detail", args=[project.pk]),
                deadline=project.ends_on,
            )
        )
    return items


def evaluations_due(user) -> list[TodoItem]:
    """Completed projects in their evaluation window that the user's unit has not rated yet."""
    units = scoping.scope_of(user).liaison_unit_ids
    if not units:
        return []
    window = datetime.timedelta(days=evaluation.window_days())
    involved = Allocation.objects.filter(project_id=OuterRef("pk")).filter(
        Q(need__owner_unit_id__in=units) | Q(provider_unit_id__in=units)
    )
    rows = list(
        scoping.projects_for(user)
        .filter(Exists(involved), status=Project.Status.COMPLETED, completed_at__gt=timezone.now() - window)
        .order_by("completed_at", "pk")[: LIMIT * 2]
    )
    ids = [project.pk for project in rows]
    sides: dict[int, set[str]] = {}
    for project_id, need_unit, provider_unit in Allocation.objects.filter(project_id__in=ids).values_list(
        "project_id", "need__owner_unit_id", "provider_unit_id"
    ):
        if need_unit in units:
            sides.setdefault(project_id, set()).add(Evaluation.Side.NEED)
        if provider_unit in units:
            sides.setdefault(project_id, set()).add(Evaluation.Side.PROVIDER)
    rated: dict[int, set[str]] = {}
    for project_id, side in Evaluation.objects.filter(project_id__in=ids).values_list("project_id", "side"):
        rated.setdefault(project_id, set()).add(side)
    items = []
    for project in rows:
        if not sides.get(project.pk, set()) - rated.get(project.pk, set()):
            continue
        items.append(
            TodoItem(
                kind="evaluations",
                title=_("Evaluate the other side of %(title)s") % {"title": project.title},
                url=reverse("project_detail", args=[project.pk]) + "#evaluate",
                deadline=project.completed_at + window,
            )
        )
    return items[:LIMIT]


# --- The secretary (admin home) ------------------------------------------------------------------------------


def _more(kind: str, count: int, shown: int, url: str) -> list[TodoItem]:
    if count <= shown:
        return []
    return [TodoItem(kind=kind, title=_("… and %(count)d more") % {"count": count - shown}, url=url)]


def topics_to_decide(user) -> list[TodoItem]:
    """Topics both sides accepted that wait for the committee's decision."""
    if not scoping.scope_of(user).manages_anything:
        return []
    ready = scoping.proposals_for(user).filter(
        committee__in=scoping.committees_to_manage(user),
        status=Proposal.Status.ACCEPTED,
        committee_decision=Decision.PENDING,
    )
    rows = list(ready.select_related("need", "committee").order_by("expires_at", "pk")[:LIMIT])
    items = [
        TodoItem(
            kind="topics",
            title=_("Decide the topic: %(title)s") % {"title": proposal.need.title},
            url=reverse("admin:matching_proposal_change", args=[proposal.pk]),
            deadline=proposal.expires_at,
            detail=_("Both sides accepted · %(committee)s") % {"committee": proposal.committee.name},
        )
        for proposal in rows
    ]
    if len(rows) == LIMIT:
        url = (
            reverse("admin:matching_proposal_changelist")
            + "?status__exact=accepted&committee_decision__exact=pending"
        )
        items += _more("topics", ready.count(), LIMIT, url)
    return items


def failed_runs(user) -> list[TodoItem]:
    """Runs of the last week that failed and were not followed by a successful run of the same scope."""
    if not scoping.scope_of(user).manages_anything:
        return []
    since = timezone.now() - datetime.timedelta(days=7)
    later_success = MatchingRun.objects.filter(
        scope_code=OuterRef("scope_code"),
        status=MatchingRun.Status.DONE,
        created_at__gt=OuterRef("created_at"),
    )
    rows = (
        scoping.runs_for(user)
        .filter(status=MatchingRun.Status.FAILED, created_at__gte=since, parent__isnull=True)
        .exclude(Exists(later_success))
        .select_related("committee")
        .order_by("-created_at")[:LIMIT]
    )
    return [
        TodoItem(
            kind="runs",
            title=_("Matching run failed: %(run)s") % {"run": run},
            url=reverse("admin:matching_matchingrun_change", args=[run.pk]),
            detail=(run.error or "")[:80],
        )
        for run in rows
    ]


def late_projects(user) -> list[TodoItem]:
    if not scoping.scope_of(user).manages_anything:
        return []
    managed = scoping.projects_for(user).filter(committee__in=scoping.committees_to_manage(user))
    late = managed.late().select_related("committee")
    rows = list(late.order_by("ends_on", "pk")[:LATE_SHOWN])
    items = [
        TodoItem(
            kind="late",
            title=_("Late project: %(title)s") % {"title": project.title},
            url=reverse("project_detail", args=[project.pk]),
            deadline=project.ends_on,
            detail=project.committee.name,
        )
        for project in rows
    ]
    if len(rows) == LATE_SHOWN:
        items += _more("late", late.count(), LATE_SHOWN, reverse("admin:committees_project_changelist"))
    return items


def meetings_to_hold(user) -> list[TodoItem]:
    """Meetings whose date has come that are not recorded as held yet."""
    if not scoping.scope_of(user).manages_anything:
        return []
    rows = (
        scoping.meetings_to_manage(user)
        .filter(is_held=False, held_on__lte=timezone.localdate() + datetime.timedelta(days=7))
        .select_related("committee")
        .order_by("held_on", "pk")[:LIMIT]
    )
    return [
        TodoItem(
            kind="meetings",
            title=_("Hold and record the meeting: %(title)s") % {"title": meeting.title},
            url=reverse("admin:matching_meeting_change", args=[meeting.pk]),
            deadline=meeting.held_on,
            detail=meeting.committee.name,
        )
        for meeting in rows
    ]


def periods_to_publish(user) -> list[TodoItem]:
    """Last month's results, not yet published, of the committees the secretary manages at the top."""
    if not scoping.scope_of(user).manages_anything:
        return []
    last_month = periods.parse(f"{(timezone.localdate().replace(day=1) - datetime.timedelta(days=1)):%Y-%m}")
    scope = scoping.scope_of(user)
    tops = scoping.committees_to_manage(user)
    tops = (
        tops.filter(level="district") if scope.is_superuser else tops.filter(area_code__in=scope.manage_codes)
    )
    shown = list(
        tops.exclude(
            Exists(Publication.objects.filter(committee=OuterRef("pk"), period=last_month.key))
        ).order_by("area_code")[:3]
    )
    return [
        TodoItem(
            kind="periods",
            title=_("Publish the results of %(period)s: %(committee)s")
            % {"period": last_month.label, "committee": committee.name},
            url=reverse("results_page", args=[committee.pk, last_month.key]),
        )
        for committee in shown
    ]


def register() -> None:
    register_todo("proposals", proposals_to_answer, order=10)
    register_todo("projects", projects_to_report, order=30)
    register_todo("evaluations", evaluations_due, order=40)
    register_todo("topics", topics_to_decide, order=110)
    register_todo("runs", failed_runs, order=120)
    register_todo("late", late_projects, order=130)
    register_todo("meetings", meetings_to_hold, order=150)
    register_todo("periods", periods_to_publish, order=160)
