"""Two-way evaluation (双向考核评价): each side rates the other once a project is completed; ratings are shown
to the other side when both are in or the window closes. Unit reputation (a Bayesian average of the revealed
ratings a unit received) and the weighted indicator totals of the committees' assessment systems."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import notifications
from committees.models import Project
from matching import bulk, scoping
from matching.models import Evaluation, Indicator, IndicatorTree, UnitReputation

DEFAULT_PRIOR_MEAN = 3.0  # before any rating exists anywhere


def window_days() -> int:
    return getattr(settings, "EVALUATION_WINDOW_DAYS", 14)


def prior_weight() -> int:
    """How many average ratings a unit's own ratings are blended with (more: slower to move)."""
    return getattr(settings, "REPUTATION_PRIOR_WEIGHT", 5)


def closes_at(project: Project) -> datetime.datetime | None:
    if project.completed_at is None:
        return None
    return project.completed_at + datetime.timedelta(days=window_days())


def is_open(project: Project, now: datetime.datetime | None = None) -> bool:
    closing = closes_at(project)
    return (
        project.status == Project.Status.COMPLETED
        and closing is not None
        and (now or timezone.now()) < closing
    )


def _people_of_side(project_sides: scoping.Sides, side: str, committee_id: int):
    units = project_sides.need_units if side == Evaluation.Side.NEED else project_sides.provider_units
    committees = (
        project_sides.need_committees if side == Evaluation.Side.NEED else project_sides.provider_committees
    )
    return notifications.liaisons_of(units) + notifications.secretaries_of(committees)


def invite(project: Project) -> int:
    """Tell both sides that the evaluation window has opened."""
    project_sides = scoping.project_sides(project)
    people = []
    for side in Evaluation.Side.values:
        people += _people_of_side(project_sides, side, project.committee_id)
    return notifications.notify(
        people,
        _("Project %(title)s is completed: please evaluate the other side within %(days)d days.")
        % {"title": project.title, "days": window_days()},
        reverse("project_detail", args=[project.pk]) + "#evaluate",
        about=project,
    )


def submit(*, project: Project, by, side: str, score: int, comment: str = "") -> Evaluation:
    """Record one side's rating; when the other side's is already in, both become visible."""
    if side not in Evaluation.Side.values:
        raise ValidationError({"side": _("Choose a side.")})
    project_sides = scoping.project_sides(project)
    if side not in scoping.project_sides_of(by, project, project_sides):
        raise PermissionDenied
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": _("Give a rating from 1 to 5.")})
    need_unit = min(project_sides.need_units) if project_sides.need_units else None
    provider_unit = (
        min(project_sides.provider_units) if project_sides.provider_units else project.lead_unit_id
    )
    rater, rated = (need_unit, provider_unit) if side == Evaluation.Side.NEED else (provider_unit, need_unit)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if not is_open(project):
            raise ValidationError(
                _(
                    "The evaluation window is not open: it opens when the project is completed and lasts %(days)d days."
                )
                % {"days": window_days()}
            )
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(
                    project=project,
                    side=side,
                    rater_unit_id=rater,
                    rated_unit_id=rated,
                    score=score,
                    comment=(comment or "").strip()[:1000],
                    created_by=by,
                )
        except IntegrityError as error:
            raise ValidationError(_("This side has already evaluated the project.")) from error
        both_in = Evaluation.objects.filter(project=project).count() == len(Evaluation.Side.values)
        if both_in:
            Evaluation.objects.filter(project=project, revealed_at__isnull=True).update(
                revealed_at=timezone.now()
            )
            evaluation.refresh_from_db(fields=["revealed_at"])
    other = Evaluation.Side.PROVIDER if side == Evaluation.Side.NEED else Evaluation.Side.NEED
    # This side has rated: what asked it to is done (the other side's requests stay until it rates).
    if both_in:
        notifications.resolve(project)
    else:
        others = {user.pk for user in _people_of_side(project_sides, other, project.committee_id)}
        raters = _people_of_side(project_sides, side, project.committee_id)
        notifications.resolve(project, users=[user for user in raters if user.pk not in others])
    notifications.notify(
        _people_of_side(project_sides, other, project.committee_id),
        (
            _("Both sides have evaluated project %(title)s: the ratings are now visible.")
            if both_in
            else _("The other side has evaluated project %(title)s; please give your evaluation too.")
        )
        % {"title": project.title},
        reverse("project_detail", args=[project.pk]) + ("" if both_in else "#evaluate"),
        about=project,
    )
    return evaluation


def reveal_closed_windows(now: datetime.datetime | None = None) -> int:
    """Ratings of projects whose window has closed are shown even if the other side never rated."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=window_days())
    return Evaluation.objects.filter(revealed_at__isnull=True, project__completed_at__lte=cutoff).update(
        revealed_at=now
    )


def remind_missing(now: datetime.datetime | None = None) -> int:
    """Daily: remind each side that has not rated a project whose window is still open."""
    now = now or timezone.now()
    opened_after = now - datetime.timedelta(days=window_days())
    open_projects = Project.objects.filter(status=Project.Status.COMPLETED, completed_at__gt=opened_after)
    done = defaultdict(set)
    for project_id, side in Evaluation.objects.filter(project__in=open_projects).values_list(
        "project_id", "side"
    ):
        done[project_id].add(side)
    reminded = 0
    for project in open_projects.iterator(chunk_size=500):
        missing = set(Evaluation.Side.values) - done[project.pk]
        if not missing:
            continue
        project_sides = scoping.project_sides(project)
        days_left = max((closes_at(project) - now).days, 0)
        for side in sorted(missing):
            reminded += notifications.notify(
                _people_of_side(project_sides, side, project.committee_id),
                _("Please evaluate project %(title)s: %(days)d day(s) left.")
                % {"title": project.title, "days": days_left},
                reverse("project_detail", args=[project.pk]) + "#evaluate",
                about=project,
            )
    return reminded


# --- Reputation ------------------------------------------------------------------------------------------------


def bayesian_average(total: float, count: int, prior_mean: float, weight: int) -> float:
    """(weight × prior mean + sum of ratings) / (weight + number of ratings)."""
    return (weight * prior_mean + total) / (weight + count)


def _revealed_ratings():
    return Evaluation.objects.filter(revealed_at__isnull=False, rated_unit__isnull=False)


def prior_mean() -> float:
    """The mean of all revealed ratings: a unit's reputation before it has any rating of its own."""
    overall = _revealed_ratings().aggregate(total=Sum("score"), count=Count("pk"))
    return overall["total"] / overall["count"] if overall["count"] else DEFAULT_PRIOR_MEAN


def compute_reputations() -> int:
    """Recompute every rated unit's reputation from the revealed ratings it received. Idempotent."""
    revealed = _revealed_ratings()
    mean, weight = prior_mean(), prior_weight()
    rows = [
        UnitReputation(
            unit_id=unit_id,
            ratings=count,
            rating_sum=total,
            score=round(bayesian_average(total, count, mean, weight), 4),
        )
        for unit_id, total, count in revealed.values("rated_unit_id")
        .annotate(total=Sum("score"), count=Count("pk"))
        .values_list("rated_unit_id", "total", "count")
        .order_by()
    ]
    with transaction.atomic():
        bulk.upsert(
            UnitReputation,
            rows,
            unique_fields=["unit"],
            update_fields=["ratings", "rating_sum", "score", "computed_at"],
        )
        UnitReputation.objects.exclude(unit_id__in=revealed.values("rated_unit_id")).delete()
    return len(rows)


def reputations(unit_ids: Iterable[int]) -> dict[int, float]:
    return dict(UnitReputation.objects.filter(unit_id__in=list(unit_ids)).values_list("unit_id", "score"))


# --- Indicator trees -------------------------------------------------------------------------------------------


def leaf_weights(indicators: Iterable[Indicator]) -> dict[int, float]:
    """Each leaf's share of the whole (sums to 1): the product of its and its ancestors' shares among siblings."""
    nodes = list(indicators)
    children = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    shares: dict[int, float] = {}

    def walk(parent_id, share: float) -> None:
        siblings = children.get(parent_id, [])
        total = sum(Decimal(node.weight) for node in siblings)
        for node in siblings:
            node_share = share * float(Decimal(node.weight) / total)
            if children.get(node.pk):
                walk(node.pk, node_share)
            elif node.kind != Indicator.Kind.GROUP:
                shares[node.pk] = node_share

    walk(None, 1.0)
    return shares


def weighted_totals(
    indicators: Iterable[Indicator],
    manual_scores: Mapping[tuple[int, int], Decimal],
    metrics: Mapping[int, Mapping[str, float]],
    unit_ids: Iterable[int],
) -> dict[int, float]:
    """Each unit's total on 0–100: Σ leaf share × (score ÷ full marks) for manual leaves, × the metric's value
    (0–1) for computed ones. A manual leaf not scored yet counts 0."""
    nodes = list(indicators)
    shares = leaf_weights(nodes)
    by_id = {node.pk: node for node in nodes}
    totals = {}
    for unit_id in unit_ids:
        total = 0.0
        for leaf_id, share in shares.items():
            leaf = by_id[leaf_id]
            if leaf.kind == Indicator.Kind.AUTOMATIC:
                value = metrics.get(unit_id, {}).get(leaf.metric, 0.0)
            else:
                score = manual_scores.get((leaf_id, unit_id))
                value = float(min(score / leaf.max_score, 1)) if score is not None else 0.0
            total += share * value
        totals[unit_id] = round(100 * total, 2)
    return totals


def tree_for(committee_id: int, year: int) -> IndicatorTree | None:
    return IndicatorTree.objects.filter(committee_id=committee_id, year=year).first()
