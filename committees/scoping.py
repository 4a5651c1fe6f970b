"""The one answer to "what may this user see and change": querysets per role, and object checks.

Roles follow from current seats:
- a secretary manages their committee and its whole subtree (division codes share the prefix);
- an overseer (district level) reads their subtree and changes nothing;
- a liaison acts for their own unit only;
- chairs, vice chairs and members read their own committee;
- a department's person on duty or leadership contact (a DutySeat) acts for that department only;
- superusers see and change everything.
Every admin page, form, API view and service asks this module; none decides on its own.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Exists, IntegerField, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from config.queries import any_of

from .models import (
    Allocation,
    Claim,
    CollectionRequest,
    CollectionRound,
    Committee,
    Department,
    DutySeat,
    MemberReport,
    Membership,
    MemberUnit,
    Need,
    OrganisationReport,
    Project,
    Resource,
    Seat,
    Submission,
    User,
)

_CACHE_ATTR = "_partyhub_scope"
DUTY_MARK = "~department"  # no seat role looks like this
VOTING_ROLES = (Seat.Role.CHAIR, Seat.Role.VICE_CHAIR, Seat.Role.MEMBER)
REPORTED_MEMBER = (
    "~reported_member"  # not a seat role: marks the member reports' rows in scope_of's one query
)


@dataclass(frozen=True)
class Scope:
    is_superuser: bool = False
    manage_codes: tuple[str, ...] = ()  # committees whose subtree the user manages (secretary)
    read_codes: tuple[str, ...] = ()  # committees whose subtree the user reads (secretary, overseer)
    seat_committee_ids: frozenset[int] = frozenset()  # committees the user sits on in any role
    liaison_unit_ids: frozenset[int] = frozenset()  # units the user acts for
    # committees where the user is chair, vice chair or member
    voting_committee_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = frozenset()  # departments the user acts for (on duty or leadership)
    # communities the user reported to as a party member (a confirmed member report: 双报到)
    member_community_ids: frozenset[int] = frozenset()

    @property
    def uses_admin(self) -> bool:
        return self.is_superuser or bool(self.read_codes)

    @property
    def manages_anything(self) -> bool:
        return self.is_superuser or bool(self.manage_codes)

    @property
    def is_liaison(self) -> bool:
        return bool(self.liaison_unit_ids)

    @property
    def is_department(self) -> bool:
        return bool(self.department_ids)

    def is_reported_member(self) -> bool:
        return bool(self.member_community_ids)


def scope_of(user) -> Scope:
    """The user's roles, read once per request (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(is_superuser=True)
    else:
        # One query: the current committee seats and, as pseudo-seats, the department duty seats (marked with
        # DUTY_MARK) and the communities the user reported to as a party member (marked REPORTED_MEMBER).
        duty = (
            DutySeat.objects.current()
            .filter(user_id=user.pk)
            .annotate(
                mark=Value(DUTY_MARK, output_field=CharField()),
                no_code=Value("", output_field=CharField()),
                no_unit=Value(None, output_field=IntegerField()),
            )
            .values_list("mark", "department_id", "no_code", "no_unit")
            .order_by()
        )
        reported = (
            MemberReport.objects.filter(user_id=user.pk, status=MemberReport.Status.CONFIRMED)
            .order_by()
            .annotate(_role=Value(REPORTED_MEMBER), _unit=Value(None, output_field=IntegerField()))
            .values_list("_role", "community_id", "community__area_code", "_unit")
        )
        rows = list(
            Seat.objects.current()
            .filter(user_id=user.pk)
            .order_by()
            .values_list("role", "committee_id", "committee__area_code", "unit_id")
            .order_by()
            .union(duty, reported, all=True)
        )
        seats = [row for row in rows if row[0] not in (DUTY_MARK, REPORTED_MEMBER)]
        department_ids = frozenset(row[1] for row in rows if row[0] == DUTY_MARK)
        manage = {code for role, _cid, code, _uid in seats if role == Seat.Role.SECRETARY}
        read = manage | {code for role, _cid, code, _uid in seats if role == Seat.Role.OVERSEER}
        scope = Scope(
            manage_codes=_roots(manage),
            read_codes=_roots(read),
            seat_committee_ids=frozenset(cid for _role, cid, _code, _uid in seats),
            liaison_unit_ids=frozenset(
                uid for role, _cid, _code, uid in seats if role == Seat.Role.LIAISON and uid
            ),
            voting_committee_ids=frozenset(cid for role, cid, _code, _uid in seats if role in VOTING_ROLES),
            department_ids=department_ids,
            member_community_ids=frozenset(cid for role, cid, _code, _uid in rows if role == REPORTED_MEMBER),
        )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope (after the user's seats changed within one request or test)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _roots(codes: set[str]) -> tuple[str, ...]:
    """Keep only codes not already covered by a shorter prefix, so the filters stay small."""
    roots = []
    for code in sorted(codes, key=len):
        if not any(code.startswith(root) for root in roots):
            roots.append(code)
    return tuple(sorted(roots))


def prefix_q(field: str, codes: tuple[str, ...]) -> Q:
    """Q matching rows whose `field` (a division code) lies in one of the subtrees; matches nothing if none."""
    if not codes:
        return Q(pk__in=[])
    condition = Q()
    for code in codes:
        condition |= Q(**{f"{field}__startswith": code})
    return condition


def subtree_ids(codes: tuple[str, ...]) -> QuerySet[Committee]:
    """The ids of the committees in the subtrees (from the area-code index), for a key to Committee to be in."""
    return Committee.objects.filter(prefix_q("area_code", codes)).values("pk")


def subtree_q(field: str, codes: tuple[str, ...]) -> Q:
    """Q matching rows whose `field` (a key to Committee: "committee_id") is a committee in one of the subtrees: the
    rows of prefix_q("committee__area_code", codes), in a shape PostgreSQL answers from indexes, alone or as a
    branch of an OR: the committees' ids once, then the key's own index (any_of). The join with LIKE read and
    joined every row of the table first (0.6 s for a district's proposals at city scale)."""
    return any_of(field, subtree_ids(codes)) if codes else Q(pk__in=[])


def scoped(model, user, condition: Callable[[Scope], Q]) -> QuerySet:
    """All rows for a superuser; otherwise the rows matching the condition built from the user's scope."""
    scope = scope_of(user)
    if scope.is_superuser:
        return model.objects.all()
    return model.objects.filter(condition(scope))


def _ids_q(field: str, ids) -> Q:
    return Q(**{f"{field}__in": ids}) if ids else Q(pk__in=[])


# --- Committees ------------------------------------------------------------------------------------------------


def committees_for(user) -> QuerySet[Committee]:
    def condition(scope: Scope) -> Q:
        units_sit_on = (
            Membership.objects.current().filter(unit_id__in=scope.liaison_unit_ids).values("committee_id")
        )
        return (
            prefix_q("area_code", scope.read_codes)
            | Q(pk__in=scope.seat_committee_ids)
            | Q(pk__in=units_sit_on)
        )

    return scoped(Committee, user, condition)


def committees_to_manage(user) -> QuerySet[Committee]:
    return scoped(Committee, user, lambda scope: prefix_q("area_code", scope.manage_codes))


# --- Member units --------------------------------------------------------------------------------------------


def units_for(user) -> QuerySet[MemberUnit]:
    def condition(scope: Scope) -> Q:
        in_subtree = Membership.objects.filter(
            subtree_q("committee_id", scope.read_codes), unit_id=OuterRef("pk")
        )
        return Exists(in_subtree) | _ids_q("pk", scope.liaison_unit_ids)

    return scoped(MemberUnit, user, condition)


def units_to_manage(user) -> QuerySet[MemberUnit]:
    """Units a secretary may edit: a current member somewhere in their subtree. Liaisons edit their own unit."""

    def condition(scope: Scope) -> Q:
        in_subtree = Membership.objects.current().filter(
            prefix_q("committee__area_code", scope.manage_codes), unit_id=OuterRef("pk")
        )
        return Exists(in_subtree) | _ids_q("pk", scope.liaison_unit_ids)

    return scoped(MemberUnit, user, condition)


# --- Memberships and seats -----------------------------------------------------------------------------------


def memberships_for(user) -> QuerySet[Membership]:
    return scoped(
        Membership,
        user,
        lambda scope: subtree_q("committee_id", scope.read_codes) | _ids_q("unit_id", scope.liaison_unit_ids),
    )


def memberships_to_manage(user) -> QuerySet[Membership]:
    return scoped(Membership, user, lambda scope: prefix_q("committee__area_code", scope.manage_codes))


def seats_for(user) -> QuerySet[Seat]:
    return scoped(Seat, user, lambda scope: subtree_q("committee_id", scope.read_codes) | Q(user_id=user.pk))


def seats_to_manage(user) -> QuerySet[Seat]:
    return scoped(Seat, user, lambda scope: prefix_q("committee__area_code", scope.manage_codes))


# --- People --------------------------------------------------------------------------------------------------


def people_for(user) -> QuerySet[User]:
    """People with a seat in the user's subtree, or registered by a committee in it."""

    def condition(scope: Scope) -> Q:
        seated = Seat.objects.filter(
            prefix_q("committee__area_code", scope.read_codes), user_id=OuterRef("pk")
        )
        return Exists(seated) | prefix_q("registered_by__area_code", scope.read_codes) | Q(pk=user.pk)

    return scoped(User, user, condition)


def people_to_manage(user) -> QuerySet[User]:
    """People a secretary may edit (reset a password, correct a name): nobody who also sits outside the subtree,
    and no superuser, so that no secretary can take over an account above them."""

    def condition(scope: Scope) -> Q:
        inside = prefix_q("committee__area_code", scope.manage_codes)
        seated_inside = Seat.objects.filter(inside, user_id=OuterRef("pk"))
        seated_outside = Seat.objects.current().filter(user_id=OuterRef("pk")).exclude(inside)
        return (
            (Exists(seated_inside) | prefix_q("registered_by__area_code", scope.manage_codes))
            & ~Exists(seated_outside)
            & Q(is_superuser=False, is_staff=False)
        )

    return scoped(User, user, condition)


# --- The lists: resources, needs, claims, rounds, projects ---------------------------------------------------


def _units_reach(unit_ids) -> Q:
    """True for a record whose reach area holds a committee one of the units currently sits on: its reach prefix
    is a prefix of one of their committees' codes. The units sit on few committees, so every prefix of their codes
    is a short list to compare with; a subquery per record (LIKE reach_prefix || '%') took seconds at 100,000."""
    codes = (
        Membership.objects.current()
        .filter(unit_id__in=unit_ids)
        .values_list("committee__area_code", flat=True)
    )
    return Q(reach_prefix__in={code[:length] for code in codes for length in range(len(code) + 1)})


def partner_records_q(model, unit_ids) -> Q:
    """True for a record (Resource or Need) allocated to a project the units take part in (as its lead unit, the
    owner of one of its needs or resources, or a provider), unless the project was cancelled: partners keep sight
    of each other's records once fulfilled or exhausted, and see their contacts in full (masking asks this too).
    Uncorrelated subqueries: PostgreSQL runs each once, however many records the OR is checked against."""
    if not unit_ids:
        return Q(pk__in=[])
    shared_projects = (
        Allocation.objects.filter(
            Q(project__lead_unit_id__in=unit_ids)
            | Q(need__owner_unit_id__in=unit_ids)
            | Q(resource__owner_unit_id__in=unit_ids)
            | Q(provider_unit_id__in=unit_ids)
        )
        .exclude(project__status=Project.Status.CANCELLED)
        .values("project_id")
    )
    side = "need_id" if model is Need else "resource_id"
    return any_of("pk", Allocation.objects.filter(project_id__in=shared_projects).values(side))


def _records_for(model, user) -> QuerySet:
    """Secretaries and overseers: their subtree's records; liaisons: their own, the published within reach, and
    those of the projects their units take part in."""

    def condition(scope: Scope) -> Q:
        subtree = subtree_q("committee_id", scope.read_codes)
        if not scope.liaison_unit_ids:
            return subtree
        own = Q(owner_unit_id__in=scope.liaison_unit_ids)
        published_within_reach = Q(status__in=model.LIVE_STATUSES) & _units_reach(scope.liaison_unit_ids)
        partners = partner_records_q(model, scope.liaison_unit_ids)
        return subtree | own | published_within_reach | partners

    return scoped(model, user, condition)


def _records_to_manage(model, user) -> QuerySet:
    return scoped(
        model,
        user,
        lambda scope: prefix_q("committee__area_code", scope.manage_codes)
        | _ids_q("owner_unit_id", scope.liaison_unit_ids),
    )


def resources_for(user) -> QuerySet[Resource]:
    return _records_for(Resource, user)


def needs_for(user) -> QuerySet[Need]:
    return _records_for(Need, user)


def resources_to_manage(user) -> QuerySet[Resource]:
    return _records_to_manage(Resource, user)


def needs_to_manage(user) -> QuerySet[Need]:
    return _records_to_manage(Need, user)


def claimable_needs(unit_id: int, now=None) -> QuerySet[Need]:
    """Published needs a unit may claim: within reach, not its own; the home committee's members first, everyone
    within reach once the claim window has passed (the claim hall)."""
    now = now or timezone.now()
    home_member = Exists(
        Membership.objects.current().filter(unit_id=unit_id, committee_id=OuterRef("committee_id"))
    )
    return (
        Need.objects.filter(status__in=Need.LIVE_STATUSES)
        .filter(_units_reach([unit_id]))
        .filter(home_member | Q(claim_hall_from__lte=now))
        .exclude(owner_unit_id=unit_id)
    )


def claimable_by(user) -> QuerySet[Need]:
    """Published needs any of the user's units may claim now (the claim hall)."""
    condition = Q(pk__in=[])
    for unit_id in scope_of(user).liaison_unit_ids:
        condition |= any_of("pk", claimable_needs(unit_id).values("pk"))
    return Need.objects.filter(condition)


def claims_for(user) -> QuerySet[Claim]:
    return scoped(
        Claim,
        user,
        lambda scope: prefix_q("need__committee__area_code", scope.read_codes)
        | _ids_q("unit_id", scope.liaison_unit_ids),
    )


def rounds_for(user) -> QuerySet[CollectionRound]:
    def condition(scope: Scope) -> Q:
        asked = CollectionRequest.objects.filter(round_id=OuterRef("pk"), unit_id__in=scope.liaison_unit_ids)
        return prefix_q("committee__area_code", scope.read_codes) | Exists(asked)

    return scoped(CollectionRound, user, condition)


def rounds_to_manage(user) -> QuerySet[CollectionRound]:
    return scoped(CollectionRound, user, lambda scope: prefix_q("committee__area_code", scope.manage_codes))


def collection_requests_for(user) -> QuerySet[CollectionRequest]:
    """The requests of rounds in the user's subtree, and those that asked the user's units."""
    return scoped(
        CollectionRequest,
        user,
        lambda scope: prefix_q("round__committee__area_code", scope.read_codes)
        | _ids_q("unit_id", scope.liaison_unit_ids),
    )


def projects_for(user) -> QuerySet[Project]:
    def condition(scope: Scope) -> Q:
        units = scope.liaison_unit_ids
        involved = Exists(
            Allocation.objects.filter(project_id=OuterRef("pk")).filter(
                Q(need__owner_unit_id__in=units) | Q(resource__owner_unit_id__in=units)
            )
        )
        return prefix_q("committee__area_code", scope.read_codes) | _ids_q("lead_unit_id", units) | involved

    return scoped(Project, user, condition)


# --- Departments and stations (吹哨报到) ----------------------------------------------------------------------


def _street_codes(codes) -> set[str]:
    """The street codes of committees at street level or below (a community's street is its code's first 9)."""
    return {code[:9] for code in codes if len(code) >= 9}


def departments_for(user) -> QuerySet[Department]:
    """District secretaries and overseers: their district's departments; street and community secretaries: the
    departments covering their street; a department's people: their own."""

    def condition(scope: Scope) -> Q:
        covering = Department.streets.through.objects.filter(
            department_id=OuterRef("pk"), committee__area_code__in=_street_codes(scope.read_codes)
        )
        return (
            prefix_q("district__area_code", scope.read_codes)
            | Exists(covering)
            | _ids_q("pk", scope.department_ids)
        )

    return scoped(Department, user, condition)


def departments_to_manage(user) -> QuerySet[Department]:
    """The register of departments is kept by the district's secretaries."""
    return scoped(Department, user, lambda scope: prefix_q("district__area_code", scope.manage_codes))


def duty_seats_for(user) -> QuerySet[DutySeat]:
    return scoped(
        DutySeat,
        user,
        lambda scope: prefix_q("department__district__area_code", scope.read_codes)
        | _ids_q("department_id", scope.department_ids),
    )


def duty_seats_to_manage(user) -> QuerySet[DutySeat]:
    return scoped(
        DutySeat, user, lambda scope: prefix_q("department__district__area_code", scope.manage_codes)
    )


def departments_to_summon(committee: Committee) -> QuerySet[Department]:
    """Whom a committee may summon: a community its street's stations (社区吹哨、科站队所报到); a street the
    departments and stations covering it; a district (a matter beyond a street) any of its departments."""
    active = Department.objects.filter(is_active=True)
    if committee.level == "district":
        return active.filter(district_id=committee.pk)
    covering = active.filter(streets__area_code=committee.area_code[:9])
    if committee.level == "community":
        covering = covering.filter(kind=Department.Kind.STATION)
    return covering


def acts_for_department(user, department) -> bool:
    return getattr(department, "pk", department) in scope_of(user).department_ids


# --- 双报到: organisation and member reports ---------------------------------------------------------------------


def organisation_reports_for(user) -> QuerySet[OrganisationReport]:
    """Secretaries and overseers: the reports to communities in their subtree; liaisons: their units' own."""
    return scoped(
        OrganisationReport,
        user,
        lambda scope: prefix_q("community__area_code", scope.read_codes)
        | _ids_q("unit_id", scope.liaison_unit_ids),
    )


def organisation_reports_to_manage(user) -> QuerySet[OrganisationReport]:
    return scoped(
        OrganisationReport,
        user,
        lambda scope: prefix_q("community__area_code", scope.manage_codes)
        | _ids_q("unit_id", scope.liaison_unit_ids),
    )


def member_reports_for(user) -> QuerySet[MemberReport]:
    """The reports of the communities in the user's subtree; a liaison: their unit's confirmed members (the
    feedback to the workplace, without addresses: masking); a member: their own."""

    def condition(scope: Scope) -> Q:
        own_unit = (
            Q(unit_id__in=scope.liaison_unit_ids, status=MemberReport.Status.CONFIRMED)
            if scope.liaison_unit_ids
            else Q(pk__in=[])
        )
        return prefix_q("community__area_code", scope.read_codes) | own_unit | Q(user_id=user.pk)

    return scoped(MemberReport, user, condition)


def member_reports_to_manage(user) -> QuerySet[MemberReport]:
    """The reports a secretary confirms: those of communities in their subtree."""
    return scoped(MemberReport, user, lambda scope: prefix_q("community__area_code", scope.manage_codes))


def own_member_report(user) -> MemberReport | None:
    """The user's live report (waiting or confirmed), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        MemberReport.objects.filter(
            user_id=user.pk, status__in=[MemberReport.Status.PENDING, MemberReport.Status.CONFIRMED]
        )
        .select_related("community", "unit")
        .first()
    )


def manages_member_report(user, report) -> bool:
    return _exists(member_reports_to_manage(user), report)


def require_manages_member_report(user, report) -> None:
    if not manages_member_report(user, report):
        raise PermissionDenied


def unreported_units(user, year: int) -> QuerySet[MemberUnit]:
    """The units sitting on a community in the user's subtree that have not reported to it this year."""
    scope = scope_of(user)
    codes = None if scope.is_superuser else scope.read_codes
    memberships = Membership.objects.current().filter(committee__level="community", unit_id=OuterRef("pk"))
    if codes is not None:
        memberships = memberships.filter(prefix_q("committee__area_code", codes))
    reported = OrganisationReport.objects.filter(
        unit_id=OuterRef("unit_id"), community_id=OuterRef("committee_id"), year=year
    )
    return MemberUnit.objects.filter(Exists(memberships.filter(~Exists(reported))))


# --- Object checks -------------------------------------------------------------------------------------------

_VISIBLE = {
    Committee: committees_for,
    MemberUnit: units_for,
    Membership: memberships_for,
    Seat: seats_for,
    User: people_for,
    Resource: resources_for,
    Need: needs_for,
    Claim: claims_for,
    CollectionRound: rounds_for,
    CollectionRequest: collection_requests_for,
    Project: projects_for,
    Department: departments_for,
    DutySeat: duty_seats_for,
    OrganisationReport: organisation_reports_for,
    MemberReport: member_reports_for,
}
_CHANGEABLE = {
    Committee: committees_to_manage,
    MemberUnit: units_to_manage,
    Membership: memberships_to_manage,
    Seat: seats_to_manage,
    User: people_to_manage,
    Resource: resources_to_manage,
    Need: needs_to_manage,
    CollectionRound: rounds_to_manage,
    Department: departments_to_manage,
    DutySeat: duty_seats_to_manage,
    OrganisationReport: organisation_reports_to_manage,
    MemberReport: member_reports_to_manage,
}


# --- What the admin site asks (config.admin finds this module through settings.ADMIN_ACCESS_POLICY) --------------

# Foreign keys in admin forms offer only what the user may change: an id from outside never validates.
_CHOICES = {
    Committee: committees_to_manage,
    MemberUnit: units_to_manage,
    User: people_for,
    Department: departments_to_manage,
}


def uses_admin(user) -> bool:
    return scope_of(user).uses_admin


def manages_anything(user) -> bool:
    return scope_of(user).manages_anything


def choices_for(model, user) -> QuerySet | None:
    """The rows an admin form may offer for a foreign key to `model`; None where no rule narrows them."""
    scope_for = _CHOICES.get(model)
    return scope_for(user) if scope_for is not None else None


def can_view(user, obj) -> bool:
    return _VISIBLE[type(obj)](user).filter(pk=obj.pk).exists()


def can_change(user, obj) -> bool:
    scope = scope_of(user)
    if not scope.manages_anything and not scope.is_liaison:
        return False
    return _CHANGEABLE[type(obj)](user).filter(pk=obj.pk).exists()


def require_change(user, obj) -> None:
    if not can_change(user, obj):
        raise PermissionDenied


def _exists(queryset: QuerySet, obj) -> bool:
    return queryset.filter(pk=getattr(obj, "pk", obj)).exists()


def manages_need(user, need) -> bool:
    """A need a secretary keeps (of a committee in their subtree)."""
    return _exists(needs_to_manage(user), need)


def manages_department(user, department) -> bool:
    """A department of the register a district's secretary keeps."""
    return _exists(departments_to_manage(user), department)


def manages_unit(user, unit) -> bool:
    """A unit a secretary may act for (a current member in their subtree), or the liaison's own unit."""
    return _exists(units_to_manage(user), unit)


def sees_person(user, person) -> bool:
    return _exists(people_for(user), person)


def acts_for_unit(user, unit) -> bool:
    """The unit's own liaison (a secretary acting on a unit's behalf asks manages_unit)."""
    return getattr(unit, "pk", unit) in scope_of(user).liaison_unit_ids


def units_acted_for(user) -> QuerySet[MemberUnit]:
    """The units the user is liaison of, by name: the choices of a liaison's forms and dashboard."""
    return MemberUnit.objects.filter(pk__in=scope_of(user).liaison_unit_ids).order_by("name")


def own_records(user, model) -> QuerySet:
    """The resources or needs of the units the user is liaison of (their own, to edit, publish, withdraw)."""
    return model.objects.filter(owner_unit_id__in=scope_of(user).liaison_unit_ids)


def own_claims(user) -> QuerySet[Claim]:
    return Claim.objects.filter(unit_id__in=scope_of(user).liaison_unit_ids)


def own_collection_requests(user) -> QuerySet[CollectionRequest]:
    """The collection requests sent to the user's units (to answer)."""
    return CollectionRequest.objects.filter(unit_id__in=scope_of(user).liaison_unit_ids)


def require_acts_for_unit(user, unit) -> None:
    if not acts_for_unit(user, unit):
        raise PermissionDenied


def manages_round(user, round_) -> bool:
    return _exists(rounds_to_manage(user), round_)


def answers_request(user, request: CollectionRequest) -> bool:
    """A collection request is answered by its unit's liaison, or recorded by the round's secretary."""
    return acts_for_unit(user, request.unit_id) or manages_round(user, request.round_id)


def can_claim(user, unit, need) -> bool:
    return acts_for_unit(user, unit) and _exists(claimable_needs(getattr(unit, "pk", unit)), need)


# What a person may do to a resource or need: their right to change it, and what its lifecycle allows now. Pages
# and the admin show a button only where the service would accept the press.


def can_edit_record(user, record) -> bool:
    return record.status in record.EDITABLE_STATUSES and can_change(user, record)


def can_publish_record(user, record) -> bool:
    return record.status == record.Status.DRAFT and can_change(user, record)


def can_withdraw_record(user, record) -> bool:
    return record.can_become(record.Status.WITHDRAWN) and can_change(user, record)


def manages_committee(user, committee) -> bool:
    """A secretary of the committee or of one above it (or a superuser)."""
    committee_id = getattr(committee, "pk", committee)
    return committees_to_manage(user).filter(pk=committee_id).exists()


def require_manages_committee(user, committee) -> None:
    if not manages_committee(user, committee):
        raise PermissionDenied


# --- Residents' submissions (民事民提) ------------------------------------------------------------------------------
# A submission reaches the secretaries of its own community only (not those above it): they call the resident
# back. Residents themselves hold no account; the public pages check the submission's private token instead.


def submissions_for(user) -> QuerySet[Submission]:
    scope = scope_of(user)
    if scope.is_superuser:
        return Submission.objects.all()
    if not scope.manage_codes:
        return Submission.objects.none()
    own = Seat.objects.current().filter(user_id=user.pk, role=Seat.Role.SECRETARY).values("committee_id")
    return Submission.objects.filter(committee_id__in=own)


def handles_submission(user, submission) -> bool:
    return _exists(submissions_for(user), submission)


def require_handles_submission(user, submission) -> None:
    if not handles_submission(user, submission):
        raise PermissionDenied


def intake_committees() -> QuerySet[Committee]:
    """The committees a resident may submit to: communities (a street's residents use their community's code)."""
    return Committee.objects.filter(level="community")
