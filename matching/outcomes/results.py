"""Published results (通报): a committee's figures for a period, its member units and sub-committees ranked by
work done and ratings received (never by logins or clicks), the monthly trend, and publishing — which freezes
the period as a snapshot. Also the secretary's scoring of manual indicators."""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from committees.models import (
    Allocation,
    CollectionRequest,
    Committee,
    MemberReport,
    Membership,
    MemberUnit,
    Project,
    Resource,
)
from matching import scoping
from matching.models import (
    CommitteeFigures,
    DepartmentFigures,
    Evaluation,
    Indicator,
    IndicatorScore,
    IndicatorTree,
    Publication,
    SignUp,
)
from matching.outcomes import evaluation, figures
from matching.outcomes.periods import Period

FIGURE_FIELDS = tuple(figures.FIGURE_COUNTS)
RATES = (
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "participation_rate",
    "compliance_rate",
    "resident_satisfaction_rate",
)


def figures_dict(row: CommitteeFigures | None) -> dict:
    if row is None:
        return {}
    return {
        **{name: getattr(row, name) for name in FIGURE_FIELDS},
        **{name: getattr(row, name) for name in RATES},
    }


def unit_ranking(committee: Committee, period: Period) -> list[dict]:
    """The committee's current member units with the work they did in the period and the ratings they
    received, ranked by the indicator total where the committee has an assessment system for the year,
    otherwise by projects completed, then reputation. A constant number of queries."""
    units = list(
        MemberUnit.objects.filter(
            pk__in=Membership.objects.current().filter(committee=committee).values("unit_id")
        ).order_by("name")
    )
    unit_ids = [unit.pk for unit in units]
    start, end = period.start_at(), period.end_at()
    completed = dict(
        Allocation.objects.filter(
            provider_unit_id__in=unit_ids,
            project__status=Project.Status.COMPLETED,
            project__completed_at__gte=start,
            project__completed_at__lt=end,
        )
        .values("provider_unit_id")
        .annotate(n=Count("project_id", distinct=True))
        .values_list("provider_unit_id", "n")
        .order_by()
    )
    received = defaultdict(list)
    for unit_id, score in Evaluation.objects.filter(
        rated_unit_id__in=unit_ids, revealed_at__isnull=False, created_at__gte=start, created_at__lt=end
    ).values_list("rated_unit_id", "score"):
        received[unit_id].append(score)
    offered = dict(
        Resource.objects.filter(owner_unit_id__in=unit_ids, published_at__gte=start, published_at__lt=end)
        .values("owner_unit_id")
        .annotate(n=Count("pk"))
        .values_list("owner_unit_id", "n")
        .order_by()
    )
    requests = {
        unit_id: (asked, answered)
        for unit_id, asked, answered in CollectionRequest.objects.filter(
            unit_id__in=unit_ids, round__opens_on__gte=period.start, round__opens_on__lt=period.end
        )
        .values("unit_id")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .values_list("unit_id", "asked", "answered")
        .order_by()
    }
    reputation = evaluation.reputations(unit_ids)
    unrated = evaluation.prior_mean()
    best_completed = max(completed.values(), default=0)
    best_offered = max(offered.values(), default=0)
    # The residents' judgement (ratings and survey) is of the committee's area as a whole: every unit shares it.
    own_figures = CommitteeFigures.objects.filter(committee=committee, period=period.key).first()
    residents_rate = (own_figures.resident_satisfaction_rate or 0.0) / 100 if own_figures else 0.0
    metrics = {}
    rows = []
    for unit in units:
        scores = received.get(unit.pk, [])
        asked, answered = requests.get(unit.pk, (0, 0))
        metrics[unit.pk] = {
            Indicator.Metric.PROJECTS_COMPLETED: completed.get(unit.pk, 0) / best_completed
            if best_completed
            else 0.0,
            Indicator.Metric.RATING: reputation.get(unit.pk, unrated) / 5,
            Indicator.Metric.SATISFACTION: sum(s >= figures.SATISFIED_FROM for s in scores) / len(scores)
            if scores
            else 0.0,
            Indicator.Metric.RESOURCES_OFFERED: offered.get(unit.pk, 0) / best_offered
            if best_offered
            else 0.0,
            Indicator.Metric.ROUNDS_ANSWERED: answered / asked if asked else 0.0,
            Indicator.Metric.RESIDENT_SATISFACTION: residents_rate,
        }
        rows.append(
            {
                "unit_id": unit.pk,
                "unit": unit.name,
                "projects_completed": completed.get(unit.pk, 0),
                "ratings": len(scores),
                "average_rating": round(sum(scores) / len(scores), 2) if scores else None,
                "reputation": round(reputation[unit.pk], 2) if unit.pk in reputation else None,
                "resources_offered": offered.get(unit.pk, 0),
                "rounds_answered": answered,
                "rounds_asked": asked,
                "indicator_total": None,
            }
        )
    tree = evaluation.tree_for(committee.pk, period.year)
    if tree is not None:
        indicators = list(tree.indicators.all())
        manual = {
            (indicator_id, unit_id): score
            for indicator_id, unit_id, score in IndicatorScore.objects.filter(
                indicator__tree=tree, unit_id__in=unit_ids
            ).values_list("indicator_id", "unit_id", "score")
        }
        totals = evaluation.weighted_totals(indicators, manual, metrics, unit_ids)
        for row in rows:
            row["indicator_total"] = totals[row["unit_id"]]
    rows.sort(
        key=lambda row: (
            -(row["indicator_total"] or 0),
            -row["projects_completed"],
            -(row["reputation"] or 0),
            row["unit"],
        )
    )
    _number_ranks(
        rows, key=lambda row: (row["indicator_total"], row["projects_completed"], row["reputation"])
    )
    return rows


def committee_ranking(committee: Committee, period: Period) -> list[dict]:
    """The committee's direct sub-committees by resolution rate, then satisfaction, then response rate."""
    rows = []
    for row in (
        CommitteeFigures.objects.filter(committee__parent=committee, period=period.key)
        .select_related("committee")
        .order_by("committee__area_code")
    ):
        rows.append({"committee_id": row.committee_id, "committee": row.committee.name, **figures_dict(row)})
    rows.sort(
        key=lambda row: (
            -(row["resolution_rate"] or 0),
            -(row["satisfaction_rate"] or 0),
            -(row["response_rate"] or 0),
            row["committee"],
        )
    )
    _number_ranks(
        rows, key=lambda row: (row["resolution_rate"], row["satisfaction_rate"], row["response_rate"])
    )
    return rows


def department_ranking(committee: Committee, period: Period) -> list[dict]:
    """吹哨报到: the departments serving the committee's area (a district's own; those covering a street, or a
    community's street) that were summoned or rated in the period, by on-time report rate, then handled rate,
    then satisfaction."""
    departments = scoping.departments_to_summon(committee).values("pk")
    rows = []
    for row in (
        DepartmentFigures.objects.filter(department__in=departments, period=period.key)
        .filter(Q(summons_received__gt=0) | Q(ratings__gt=0))
        .select_related("department")
        .order_by("department__name")
    ):
        rows.append(
            {
                "department_id": row.department_id,
                "department": row.department.name,
                "summons_received": row.summons_received,
                "reported_on_time": row.reported_on_time,
                "resolved": row.resolved,
                "ratings": row.ratings,
                "on_time_rate": row.on_time_rate,
                "resolution_rate": row.resolution_rate,
                "satisfaction_rate": row.satisfaction_rate,
                "median_hours_to_report": row.median_hours_to_report,
                "median_hours_to_resolve": row.median_hours_to_resolve,
            }
        )
    rows.sort(
        key=lambda row: (
            -(row["on_time_rate"] or 0),
            -(row["resolution_rate"] or 0),
            -(row["satisfaction_rate"] or 0),
            row["department"],
        )
    )
    _number_ranks(
        rows, key=lambda row: (row["on_time_rate"], row["resolution_rate"], row["satisfaction_rate"])
    )
    return rows


def _number_ranks(rows: list[dict], key) -> None:
    """Equal results share a rank (1, 2, 2, 4)."""
    previous = object()
    for position, row in enumerate(rows, start=1):
        current = key(row)
        if current != previous:
            rank = position
        row["rank"] = rank
        previous = current


def trend(committee: Committee, period: Period) -> list[dict]:
    months = period.months()
    stored = {
        row.period: row
        for row in CommitteeFigures.objects.filter(committee=committee, period__in=[m.key for m in months])
    }
    return [{"period": month.key, **figures_dict(stored.get(month.key))} for month in months]


def report(committee: Committee, period: Period) -> dict:
    """Everything the results page shows: published snapshot if there is one, otherwise computed now."""
    publication = Publication.objects.filter(committee=committee, period=period.key).first()
    if publication is not None:
        return {**publication.snapshot, "published_at": publication.published_at, "is_published": True}
    return {**_snapshot(committee, period), "published_at": None, "is_published": False}


def _snapshot(committee: Committee, period: Period) -> dict:
    own = CommitteeFigures.objects.filter(committee=committee, period=period.key).first()
    return {
        "committee": committee.name,
        "period": period.key,
        "figures": figures_dict(own),
        "computed_at": own.computed_at.isoformat() if own else None,
        "units": unit_ranking(committee, period),
        "committees": committee_ranking(committee, period),
        "trend": trend(committee, period),
        "departments": department_ranking(committee, period),
        "units_by_service": units_by_service(committee, period),
    }


def publish(*, committee: Committee, period: Period, by) -> Publication:
    """Freeze an ended period's results. Figures are recomputed first so the snapshot is current; later
    changes belong to later periods (the compute job leaves published rows alone)."""
    scoping.require_manages_committee(by, committee)
    if not period.has_ended():
        raise ValidationError(
            _("%(period)s has not ended yet; a period can be published from %(day)s.")
            % {"period": period.label, "day": period.end.isoformat()}
        )
    months = [] if not period.is_year else [m for m in period.months() if m.has_ended()]
    figures.compute([period, *months], within=committee.area_code)
    snapshot = _snapshot(committee, period)
    try:
        with transaction.atomic():
            return Publication.objects.create(
                committee=committee, period=period.key, snapshot=snapshot, published_by=by
            )
    except IntegrityError as error:
        raise ValidationError(_("%(period)s is already published.") % {"period": period.label}) from error


def is_frozen(committee_id: int, year: int) -> bool:
    return Publication.objects.filter(committee_id=committee_id, period=str(year)).exists()


TREE_FIELDS = {"title"}
INDICATOR_FIELDS = {"position", "name", "parent", "kind", "metric", "weight", "max_score"}


def check_tree_editable(*, by, committee_id: int, year: int) -> None:
    """A committee's secretary keeps its indicator system until the year is published; then it stays as scored."""
    scoping.require_manages_committee(by, committee_id)
    if is_frozen(committee_id, year):
        raise ValidationError(
            _("The results of %(year)d are published: its indicator system stays as it was scored.")
            % {"year": year}
        )


def save_indicator_tree(
    *, by, tree: IndicatorTree | None = None, committee=None, year=None, **fields
) -> IndicatorTree:
    """Create a committee's system for a year, or change its title."""
    unknown = set(fields) - TREE_FIELDS
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if tree is None:
        tree = IndicatorTree(committee=committee, year=year)
    check_tree_editable(by=by, committee_id=tree.committee_id, year=tree.year)
    for name, value in fields.items():
        setattr(tree, name, value)
    tree.full_clean()
    tree.save()
    return tree


def save_indicator(*, by, tree: IndicatorTree, indicator: Indicator | None = None, **fields) -> Indicator:
    """Add or change a node of a committee's indicator system (weights count among siblings)."""
    unknown = set(fields) - INDICATOR_FIELDS
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    check_tree_editable(by=by, committee_id=tree.committee_id, year=tree.year)
    indicator = indicator or Indicator(tree=tree)
    if indicator.tree_id != tree.pk:
        raise PermissionDenied
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save()
    return indicator


def score_indicator(*, indicator: Indicator, unit: MemberUnit, score, evidence: str, by) -> IndicatorScore:
    """The secretary scores a member unit on a manual indicator, with evidence; kept with its history."""
    tree = indicator.tree
    scoping.require_manages_committee(by, tree.committee_id)
    if indicator.kind != Indicator.Kind.MANUAL or indicator.children.exists():
        raise ValidationError({"indicator": _("Only indicators scored by the secretary take a score.")})
    if not Membership.objects.current().filter(committee_id=tree.committee_id, unit=unit).exists():
        raise ValidationError({"unit": _("The unit is not a current member of this committee.")})
    if is_frozen(tree.committee_id, tree.year):
        raise ValidationError(
            _("The results of %(year)d are published; scores can no longer change.") % {"year": tree.year}
        )
    try:
        score = Decimal(str(score))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({"score": _("Enter a number.")}) from error
    if not Decimal(0) <= score <= indicator.max_score:
        raise ValidationError(
            {"score": _("The score must lie between 0 and %(max)s.") % {"max": indicator.max_score}}
        )
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError({"evidence": _("Give the evidence for the score.")})
    row, _created = IndicatorScore.objects.update_or_create(
        indicator=indicator, unit=unit, defaults={"score": score, "evidence": evidence, "scored_by": by}
    )
    return row


def units_by_service(committee: Committee, period: Period) -> list[dict]:
    """双报到: the committee's current member units ranked by their party members' service in the period (hours the
    communities confirmed, then members who served), never by logins or clicks. Two queries."""
    units = dict(
        MemberUnit.objects.filter(
            pk__in=Membership.objects.current().filter(committee=committee).values("unit_id")
        ).values_list("pk", "name")
    )
    reported = dict(
        MemberReport.objects.filter(unit_id__in=units, status="confirmed", confirmed_at__lt=period.end_at())
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    served = {
        unit_id: (active, hours)
        for unit_id, active, hours in SignUp.objects.filter(
            member__unit_id__in=units,
            status="confirmed",
            task__starts_at__gte=period.start_at(),
            task__starts_at__lt=period.end_at(),
        )
        .values_list("member__unit_id")
        .annotate(active=Count("member_id", distinct=True), hours=Sum("hours"))
        .order_by()
    }
    rows = [
        {
            "unit_id": unit_id,
            "unit": name,
            "members_reported": reported.get(unit_id, 0),
            "members_active": served.get(unit_id, (0, 0))[0],
            "service_hours": round(float(served.get(unit_id, (0, 0))[1] or 0), 1),
        }
        for unit_id, name in units.items()
    ]
    rows.sort(key=lambda row: (-row["service_hours"], -row["members_active"], row["unit"]))
    _number_ranks(rows, key=lambda row: (row["service_hours"], row["members_active"]))
    return rows
