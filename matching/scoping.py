"""The one answer to "what may this user see and do" in the pipeline and after it: querysets and object checks,
built on committees.scoping (the registry's gate).

Matching's modules ask this module only (`from matching import scoping`); what they need of the registry's gate
is re-exported below under the same names, so `scoping` means one thing in every file of the app. Services call
the object checks (require_*, can_*, *_sides_of); views, admin, serializers and templates ask the same functions.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from committees.models import Allocation, Committee, MemberReport, Need, Project, Resource, Seat
from committees.scoping import (  # noqa: F401  (re-exported: the registry's gate under matching's one name)
    VOTING_ROLES,
    Scope,
    can_change,
    can_view,
    committees_for,
    committees_to_manage,
    departments_for,
    departments_to_manage,
    departments_to_summon,
    manages_anything,
    manages_committee,
    member_reports_for,
    member_reports_to_manage,
    needs_for,
    needs_to_manage,
    organisation_reports_for,
    own_member_report,
    people_for,
    prefix_q,
    projects_for,
    require_change,
    require_manages_committee,
    resources_for,
    scope_of,
    scoped,
    subtree_q,
    units_acted_for,
    units_for,
    units_to_manage,
    uses_admin,
)
from config.queries import any_of

from .models import (
    AgendaItem,
    Answer,
    CommitteeFigures,
    Evaluation,
    Indicator,
    IndicatorScore,
    IndicatorTree,
    MatchingRun,
    Meeting,
    Milestone,
    ProjectUpdate,
    Proposal,
    Publication,
    RatingCode,
    ResidentRating,
    RulesOfProcedure,
    Survey,
)
from .models.summons import DepartmentFigures, Summons, SummonsPart, SummonsRecord, SummonsRules
from .models.volunteering import CommunityTask, SignUp


def runs_for(user) -> QuerySet[MatchingRun]:
    """Runs over a committee within the user's subtree; city-wide runs are the administrators' only."""

    def condition(scope: Scope) -> Q:
        return prefix_q("scope_code", scope.read_codes) & ~Q(scope_code="")

    return scoped(MatchingRun, user, condition)


def proposals_for(user) -> QuerySet[Proposal]:
    """Secretaries and overseers: proposals decided or needed in their subtree; liaisons: those of their units."""

    def condition(scope: Scope) -> Q:
        units = scope.liaison_unit_ids
        # Every branch a key compared with ids (any_of, subtree_q), so the OR is a BitmapOr over the proposals'
        # indexes: an OR across joined tables joined every proposal to its need first (0.6 s at 130,000
        # proposals), and `IN (subquery)` branches filtered every proposal one by one (0.1 s for a liaison).
        mine = (
            any_of("need_id", Need.objects.filter(owner_unit_id__in=units).values("pk"))
            | any_of("resource_id", Resource.objects.filter(owner_unit_id__in=units).values("pk"))
            | Q(provider_unit_id__in=units)
            if units
            else Q(pk__in=[])
        )
        subtree = (
            subtree_q("committee_id", scope.read_codes)
            | any_of("need_id", Need.objects.filter(subtree_q("committee_id", scope.read_codes)).values("pk"))
            if scope.read_codes
            else Q(pk__in=[])
        )
        return subtree | mine

    return scoped(Proposal, user, condition)


def meetings_for(user) -> QuerySet[Meeting]:
    return scoped(
        Meeting,
        user,
        lambda scope: prefix_q("committee__area_code", scope.read_codes)
        | Q(committee_id__in=scope.seat_committee_ids),
    )


def meetings_to_manage(user) -> QuerySet[Meeting]:
    return scoped(Meeting, user, lambda scope: prefix_q("committee__area_code", scope.manage_codes))


def agenda_items_for(user) -> QuerySet[AgendaItem]:
    """The agenda of the meetings the user may see."""
    return AgendaItem.objects.filter(meeting__in=meetings_for(user))


def rules_for(user) -> QuerySet[RulesOfProcedure]:
    return scoped(RulesOfProcedure, user, lambda scope: prefix_q("committee__area_code", scope.read_codes))


def rules_to_manage(user) -> QuerySet[RulesOfProcedure]:
    return scoped(RulesOfProcedure, user, lambda scope: prefix_q("committee__area_code", scope.manage_codes))


def topics_to_vote(user) -> QuerySet[Proposal]:
    """Open topics of the committees where the user holds a voting seat."""
    committees = scope_of(user).voting_committee_ids
    return Proposal.objects.filter(committee_id__in=committees, status__in=Proposal.OPEN_STATUSES)


def can_vote(user, committee) -> bool:
    """A chair, vice chair or member of the committee (a current seat, read now: votes count seats)."""
    committee_id = getattr(committee, "pk", committee)
    return Seat.objects.current().filter(user=user, committee_id=committee_id, role__in=VOTING_ROLES).exists()


def can_comment(user, proposal: Proposal) -> bool:
    """Those who deliberate a topic: its committee's voting members and its secretaries."""
    return can_vote(user, proposal.committee_id) or manages_committee(user, proposal.committee_id)


def accepted_partners_q(model, unit_ids) -> Q:
    """Once both sides of a live proposal have accepted, each side's units see the other side's record (and so its
    contact person) in full: they must now arrange the work. Registered with committees.masking."""
    if not unit_ids or model not in (Need, Resource):
        return Q(pk__in=[])
    both_accepted = Proposal.objects.filter(
        need_side=Answer.ACCEPTED,
        provider_side=Answer.ACCEPTED,
        status__in=[*Proposal.OPEN_STATUSES, Proposal.Status.CONFIRMED],
    ).exclude(project__status=Project.Status.CANCELLED)  # partners of a cancelled project see masks again
    if model is Need:
        providing = both_accepted.filter(
            Q(provider_unit_id__in=unit_ids) | Q(resource__owner_unit_id__in=unit_ids)
        )
        return Q(pk__in=providing.values("need_id"))
    needing = both_accepted.filter(need__owner_unit_id__in=unit_ids, resource__isnull=False)
    return Q(pk__in=needing.values("resource_id"))


def proposal_sides_of(user, proposal: Proposal) -> set[str]:
    """The sides ("need", "provider") `user` may answer for: a unit's liaison its own unit's side; a secretary who
    manages the owner (a unit in the subtree, or the committee itself) that side too, on the owner's behalf."""
    scope = scope_of(user)
    need, resource = proposal.need, proposal.resource
    sides = set()
    if need.owner_unit_id in scope.liaison_unit_ids:
        sides.add("need")
    if proposal.provider_unit_id and proposal.provider_unit_id in scope.liaison_unit_ids:
        sides.add("provider")
    if scope.manages_anything:
        managed_units = set(
            units_to_manage(user)
            .filter(pk__in={need.owner_unit_id, proposal.provider_unit_id} - {None})
            .values_list("pk", flat=True)
        )
        owner_committees = {need.owner_committee_id, resource.owner_committee_id if resource else None} - {
            None
        }
        managed_committees = set(
            committees_to_manage(user).filter(pk__in=owner_committees).values_list("pk", flat=True)
        )
        if need.owner_unit_id in managed_units or need.owner_committee_id in managed_committees:
            sides.add("need")
        if proposal.provider_unit_id in managed_units or (
            resource is not None and resource.owner_committee_id in managed_committees
        ):
            sides.add("provider")
    return sides


def require_side(user, proposal: Proposal, side: str | None) -> str:
    """The side `user` answers for: the one named, if they may; else their only side; PermissionDenied otherwise
    (none, or a secretary who must say which side they record)."""
    sides = proposal_sides_of(user, proposal)
    if side is not None:
        if side not in sides:
            raise PermissionDenied
        return side
    if len(sides) != 1:
        raise PermissionDenied
    return sides.pop()


def topics_for(user) -> QuerySet[Proposal]:
    """Open topics the user deliberates on: where they hold a voting seat, or whose committee they manage."""

    def condition(scope: Scope) -> Q:
        return Q(committee_id__in=scope.voting_committee_ids) | subtree_q("committee_id", scope.manage_codes)

    return scoped(Proposal, user, condition).filter(status__in=Proposal.OPEN_STATUSES)


def result_committees(user) -> QuerySet[Committee]:
    """Committees whose published results the user may read: the same as the committees they may see (their
    subtree, the committees they sit on, those their units are members of)."""
    return committees_for(user)


def preview_committees(user) -> QuerySet[Committee]:
    """Secretaries and overseers of a subtree also see its results before they are published."""
    return scoped(Committee, user, lambda scope: prefix_q("area_code", scope.read_codes))


def previews_results(user, committee: Committee) -> bool:
    return preview_committees(user).filter(pk=committee.pk).exists()


def indicator_trees_for(user) -> QuerySet[IndicatorTree]:
    return scoped(IndicatorTree, user, lambda scope: prefix_q("committee__area_code", scope.read_codes))


def indicator_trees_to_manage(user) -> QuerySet[IndicatorTree]:
    return scoped(IndicatorTree, user, lambda scope: prefix_q("committee__area_code", scope.manage_codes))


def indicators_for(user) -> QuerySet[Indicator]:
    return Indicator.objects.filter(tree__in=indicator_trees_for(user))


def indicators_to_manage(user) -> QuerySet[Indicator]:
    return Indicator.objects.filter(tree__in=indicator_trees_to_manage(user))


def indicator_scores_for(user) -> QuerySet[IndicatorScore]:
    return IndicatorScore.objects.filter(indicator__tree__in=indicator_trees_for(user))


def indicator_scores_to_manage(user) -> QuerySet[IndicatorScore]:
    return IndicatorScore.objects.filter(indicator__tree__in=indicator_trees_to_manage(user))


def evaluations_for(user) -> QuerySet[Evaluation]:
    """Ratings on the projects the user may see: once revealed; before that only the side that gave them (its
    liaison, or a secretary managing the project's committee, who acts for either side)."""

    def condition(scope: Scope) -> Q:
        units = scope.liaison_unit_ids
        own_need_side = Q(side=Evaluation.Side.NEED) & Exists(
            Allocation.objects.filter(project_id=OuterRef("project_id"), need__owner_unit_id__in=units)
        )
        own_provider_side = Q(side=Evaluation.Side.PROVIDER) & Exists(
            Allocation.objects.filter(project_id=OuterRef("project_id"), provider_unit_id__in=units)
        )
        return (
            Q(revealed_at__isnull=False)
            | prefix_q("project__committee__area_code", scope.manage_codes)
            | (own_need_side | own_provider_side if units else Q(pk__in=[]))
        )

    return scoped(Evaluation, user, condition).filter(project__in=projects_for(user))


def evaluations_visible_on(user, project: Project) -> list[Evaluation]:
    """The ratings of one project this user sees: the same rule as evaluations_for, for one project."""
    return list(
        evaluations_for(user)
        .filter(project_id=project.pk)
        .select_related("rater_unit", "rated_unit")
        .order_by("pk")
    )


def project_updates_for(user) -> QuerySet[ProjectUpdate]:
    return ProjectUpdate.objects.filter(project__in=projects_for(user))


def milestones_for(user) -> QuerySet[Milestone]:
    return Milestone.objects.filter(project__in=projects_for(user))


def figures_for(user) -> QuerySet[CommitteeFigures]:
    """Every period's figures of the user's subtree; for the others, the periods published for a committee they
    may see."""
    published = Exists(
        Publication.objects.filter(committee_id=OuterRef("committee_id"), period=OuterRef("period"))
    )
    return CommitteeFigures.objects.filter(
        Q(committee__in=preview_committees(user)) | (Q(committee__in=result_committees(user)) & published)
    )


def publications_for(user) -> QuerySet[Publication]:
    return Publication.objects.filter(committee__in=result_committees(user))


# --- Projects: who stands on which side, who acts for it, who leads ----------------------------------------


@dataclass(frozen=True)
class Sides:
    """Who stands on each side of a project: the units (and committees) that raised its needs and provide."""

    need_units: frozenset[int]
    need_committees: frozenset[int]
    provider_units: frozenset[int]
    provider_committees: frozenset[int]

    @property
    def units(self) -> frozenset[int]:
        return self.need_units | self.provider_units


def project_sides(project: Project) -> Sides:
    rows = Allocation.objects.filter(project_id=project.pk).values_list(
        "need__owner_unit_id", "need__owner_committee_id", "provider_unit_id", "resource__owner_committee_id"
    )
    need_units, need_committees, provider_units, provider_committees = (set(), set(), set(), set())
    for need_unit, need_committee, provider_unit, provider_committee in rows:
        need_units.add(need_unit)
        need_committees.add(need_committee)
        provider_units.add(provider_unit)
        provider_committees.add(provider_committee)
    return Sides(
        *(
            frozenset(ids - {None})
            for ids in (need_units, need_committees, provider_units, provider_committees)
        )
    )


def project_sides_of(user, project: Project, known_sides: Sides | None = None) -> set[str]:
    """The sides `user` acts for: a liaison their unit's side; a secretary managing the project's committee
    either side, on a unit's behalf (or for a committee that raised the need)."""
    sides = known_sides or project_sides(project)
    scope = scope_of(user)
    acting = set()
    if scope.liaison_unit_ids & sides.need_units:
        acting.add("need")
    if scope.liaison_unit_ids & sides.provider_units:
        acting.add("provider")
    if manages_project(user, project):
        acting |= {"need", "provider"}
    return acting


def manages_project(user, project: Project) -> bool:
    """The secretary of the project's committee (or of a committee above it)."""
    return manages_committee(user, project.committee_id)


def leads(user, project: Project) -> bool:
    """The lead unit's liaison, or the committee's secretary: they mark milestones and completion."""
    if project.lead_unit_id and project.lead_unit_id in scope_of(user).liaison_unit_ids:
        return True
    return manages_project(user, project)


def may_cancel_project(user, project: Project) -> bool:
    """The secretary of the project's committee (or of one above it), not the lead unit. The committee confirmed
    the project after both sides accepted and it deliberated, so undoing it is the committee's call: the lead unit
    is one of the two sides, and a cancellation takes the other side's need or resource back out of the project and
    counts in the committee's figures. A lead unit that cannot go on says so in a progress report, or carries the
    project over; the secretary cancels."""
    return manages_project(user, project)


def require_leads(user, project: Project) -> None:
    if not leads(user, project):
        raise PermissionDenied


def my_units_on(user, project_sides: Sides) -> frozenset[int]:
    """The units of a project's sides that `user` acts for as their liaison."""
    return scope_of(user).liaison_unit_ids & project_sides.units


# --- 吹哨报到: summons, each department's part, their records -------------------------------------------------


def summons_for(user) -> QuerySet[Summons]:
    """Secretaries and overseers: the summons raised in their subtree, and those their subtree passed up to the
    committee above (they keep sight of the matter); a department's people: the summons addressed to their
    department, and no other."""

    def condition(scope: Scope) -> Q:
        addressed = (
            Q(pk__in=SummonsPart.objects.filter(department_id__in=scope.department_ids).values("summons_id"))
            if scope.department_ids
            else Q(pk__in=[])
        )
        passed_up_from_subtree = prefix_q("passed_up_from__committee__area_code", scope.read_codes)
        return prefix_q("committee__area_code", scope.read_codes) | passed_up_from_subtree | addressed

    return scoped(Summons, user, condition)


def summons_to_manage(user) -> QuerySet[Summons]:
    """The summons a secretary follows, closes and rates: raised by a committee they manage."""
    return scoped(Summons, user, lambda scope: prefix_q("committee__area_code", scope.manage_codes))


def summons_parts_for(user) -> QuerySet[SummonsPart]:
    """The parts of the summons in the user's subtree; a department's people: their own department's parts only
    (another summoned department's handling is the street's to see)."""

    def condition(scope: Scope) -> Q:
        own = Q(department_id__in=scope.department_ids) if scope.department_ids else Q(pk__in=[])
        passed_up_from_subtree = prefix_q("summons__passed_up_from__committee__area_code", scope.read_codes)
        return prefix_q("summons__committee__area_code", scope.read_codes) | passed_up_from_subtree | own

    return scoped(SummonsPart, user, condition)


def own_summons_parts(user) -> QuerySet[SummonsPart]:
    """The parts addressed to the departments the user acts for (their phone pages)."""
    return SummonsPart.objects.filter(department_id__in=scope_of(user).department_ids)


def summons_records_for(user) -> QuerySet[SummonsRecord]:
    return SummonsRecord.objects.filter(part__in=summons_parts_for(user))


def summons_rules_for(user) -> QuerySet[SummonsRules]:
    return scoped(SummonsRules, user, lambda scope: prefix_q("committee__area_code", scope.read_codes))


def summons_rules_to_manage(user) -> QuerySet[SummonsRules]:
    return scoped(SummonsRules, user, lambda scope: prefix_q("committee__area_code", scope.manage_codes))


def department_figures_for(user) -> QuerySet[DepartmentFigures]:
    return DepartmentFigures.objects.filter(department__in=departments_for(user))


def can_report_for(user, part: SummonsPart) -> bool:
    """Only the summoned department's own people report (报到) and handle its part; a secretary does not."""
    return part.department_id in scope_of(user).department_ids


def require_report_for(user, part: SummonsPart) -> None:
    if not can_report_for(user, part):
        raise PermissionDenied


def manages_summons(user, summons: Summons) -> bool:
    return summons_to_manage(user).filter(pk=summons.pk).exists()


def require_manages_summons(user, summons: Summons) -> None:
    if not manages_summons(user, summons):
        raise PermissionDenied


def can_close_summons(user, summons: Summons) -> bool:
    return summons.is_open and manages_summons(user, summons)


# --- Object checks for the pipeline's records ----------------------------------------------------------------

_VISIBLE = {
    MatchingRun: runs_for,
    Proposal: proposals_for,
    Meeting: meetings_for,
    AgendaItem: agenda_items_for,
    RulesOfProcedure: rules_for,
    Evaluation: evaluations_for,
    ProjectUpdate: project_updates_for,
    Milestone: milestones_for,
    CommitteeFigures: figures_for,
    Publication: publications_for,
    IndicatorTree: indicator_trees_for,
    IndicatorScore: indicator_scores_for,
    Summons: summons_for,
    SummonsPart: summons_parts_for,
    SummonsRecord: summons_records_for,
    SummonsRules: summons_rules_for,
    DepartmentFigures: department_figures_for,
}


def can_view_record(user, obj) -> bool:
    """can_view for a pipeline record, or for a registry record through the registry's gate."""
    visible = _VISIBLE.get(type(obj))
    if visible is None:
        return can_view(user, obj)
    return visible(user).filter(pk=obj.pk).exists()


# --- Community tasks (社区任务) for reported party members ----------------------------------------------------------


def _member_tasks_q(scope: Scope) -> Q:
    """The published tasks of the communities the member reported to, and the street-wide ones of their streets.
    Both as lists of community ids (one small query for the streets' communities), so that PostgreSQL reads the
    task index on (community, starts_at) for each: a join to the committees in an OR scanned every task."""
    if not scope.member_community_ids:
        return Q(pk__in=[])
    streets = Committee.objects.filter(pk__in=scope.member_community_ids).values("parent_id")
    street_communities = list(Committee.objects.filter(parent_id__in=streets).values_list("pk", flat=True))
    return Q(status=CommunityTask.Status.PUBLISHED) & (
        Q(community_id__in=sorted(scope.member_community_ids))
        | Q(street_wide=True, community_id__in=street_communities)
    )


def tasks_for(user) -> QuerySet[CommunityTask]:
    """Secretaries and overseers: the tasks of their subtree; a reported member: their community's published
    tasks (and the street's, when widened)."""
    return scoped(
        CommunityTask,
        user,
        lambda scope: prefix_q("community__area_code", scope.read_codes) | _member_tasks_q(scope),
    )


def tasks_to_manage(user) -> QuerySet[CommunityTask]:
    return scoped(CommunityTask, user, lambda scope: prefix_q("community__area_code", scope.manage_codes))


def manages_task(user, task) -> bool:
    return tasks_to_manage(user).filter(pk=getattr(task, "pk", task)).exists()


def require_manages_task(user, task) -> None:
    if not manages_task(user, task):
        raise PermissionDenied


def sign_ups_for(user) -> QuerySet[SignUp]:
    """Secretaries and overseers: sign-ups for their subtree's tasks; a liaison: their unit's members' (hours,
    双向反馈); a member: their own."""

    def condition(scope: Scope) -> Q:
        units = scope.liaison_unit_ids
        own_unit = Q(member__unit_id__in=units) if units else Q(pk__in=[])
        return (
            prefix_q("task__community__area_code", scope.read_codes) | own_unit | Q(member__user_id=user.pk)
        )

    return scoped(SignUp, user, condition)


def sign_ups_to_manage(user) -> QuerySet[SignUp]:
    """Sign-ups a secretary checks in and confirms hours for."""
    return scoped(SignUp, user, lambda scope: prefix_q("task__community__area_code", scope.manage_codes))


def member_report_of(user) -> MemberReport | None:
    """The user's confirmed report (the one that lets them sign up), if any."""
    if not scope_of(user).member_community_ids:
        return None
    return (
        MemberReport.objects.filter(user_id=user.pk, status=MemberReport.Status.CONFIRMED)
        .select_related("community")
        .first()
    )


def sees_task(user, task) -> bool:
    return tasks_for(user).filter(pk=task.pk).exists()


def manages_sign_up(user, sign_up) -> bool:
    """A sign-up a community's secretary checks in and confirms hours for."""
    return sign_ups_to_manage(user).filter(pk=sign_up.pk).exists()


def can_sign_up(user, task) -> bool:
    """A reported member who sees the task, while it is open, has places and has not started."""
    return (
        task.status == CommunityTask.Status.PUBLISHED
        and not task.is_full
        and task.starts_at > timezone.now()
        and tasks_for(user).filter(pk=task.pk).filter(_member_tasks_q(scope_of(user))).exists()
    )


def owns_sign_up(user, sign_up) -> bool:
    return sign_up.member.user_id == user.pk


# --- Residents (民事民评 · 满意度调查): what secretaries see of residents' ratings and surveys --------------------------
# Residents hold no account: the public pages check a project's rating code or a survey's link (outcomes.residents).


def _served_or_run(field: str, codes) -> Q:
    """Projects run by a committee of the subtree, or serving a need of it (a community's need is often served
    by a project its street confirmed: the community hands the rating code out to its residents)."""
    served = Allocation.objects.filter(prefix_q("need__committee__area_code", codes)).values("project_id")
    return prefix_q(f"{field}committee__area_code", codes) | Q(**{f"{field}pk__in": served})


def rating_codes_for(user) -> QuerySet[RatingCode]:
    return scoped(RatingCode, user, lambda scope: _served_or_run("project__", scope.read_codes))


def rating_codes_to_manage(user) -> QuerySet[RatingCode]:
    return scoped(RatingCode, user, lambda scope: _served_or_run("project__", scope.manage_codes))


def projects_for_residents(user) -> QuerySet[Project]:
    """Projects whose residents' rating this secretary hands out: run by or serving their subtree."""
    return scoped(Project, user, lambda scope: _served_or_run("", scope.manage_codes))


def may_issue_rating_code(user, project: Project) -> bool:
    return projects_for_residents(user).filter(pk=project.pk).exists()


def resident_ratings_for(user) -> QuerySet[ResidentRating]:
    return scoped(ResidentRating, user, lambda scope: _served_or_run("project__", scope.read_codes))


def surveys_for(user) -> QuerySet[Survey]:
    return scoped(Survey, user, lambda scope: prefix_q("committee__area_code", scope.read_codes))


def surveys_to_manage(user) -> QuerySet[Survey]:
    return scoped(Survey, user, lambda scope: prefix_q("committee__area_code", scope.manage_codes))


def ratable_projects(user) -> QuerySet[Project]:
    """Completed projects without a code whose rating the user hands out: the choices for issuing one."""
    return (
        projects_for_residents(user)
        .filter(status=Project.Status.COMPLETED)
        .exclude(rating_code__isnull=False)
    )


def may_publish_photo(user, update: ProjectUpdate) -> bool:
    """The unit that reported the photo (its liaison), or the project's committee's secretary."""
    if update.unit_id is not None and update.unit_id in scope_of(user).liaison_unit_ids:
        return True
    return manages_project(user, update.project)
