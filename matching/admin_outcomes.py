"""The secretaries' admin for what follows confirmation: indicator systems and scores, figures, evaluations and
published results, and the dashboard panels (figures with their trend, items needing action)."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from committees import scoping as registry_scoping
from committees.admin import InScopeCommitteeFilter, ScopedAdmin, ScopedInline
from committees.admin_site import admin_site
from committees.models import Committee, Project

from . import evaluation, periods, projects, results
from .models import CommitteeFigures, Evaluation, Indicator, IndicatorScore, IndicatorTree, Publication


def _in_read_scope(model, field: str = "committee__area_code"):
    return lambda user: registry_scoping.scoped(
        model, user, lambda scope: registry_scoping.prefix_q(field, scope.read_codes)
    )


def _in_manage_scope(model, field: str = "committee__area_code"):
    return lambda user: registry_scoping.scoped(
        model, user, lambda scope: registry_scoping.prefix_q(field, scope.manage_codes)
    )


class IndicatorInline(ScopedInline):
    model = Indicator
    fields = ["position", "name", "parent", "kind", "metric", "weight", "max_score"]
    extra = 3
    view_scope = staticmethod(_in_read_scope(Indicator, "tree__committee__area_code"))
    change_scope = staticmethod(_in_manage_scope(Indicator, "tree__committee__area_code"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            tree_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Indicator.objects.filter(tree_id=tree_id or 0, kind=Indicator.Kind.GROUP)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(IndicatorTree, site=admin_site)
class IndicatorTreeAdmin(ScopedAdmin):
    view_scope = staticmethod(_in_read_scope(IndicatorTree))
    change_scope = staticmethod(_in_manage_scope(IndicatorTree))
    list_display = ["title", "committee", "year"]
    list_filter = [InScopeCommitteeFilter, "year"]
    list_select_related = ["committee"]
    autocomplete_fields = ["committee"]
    inlines = [IndicatorInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "committee":
            kwargs["queryset"] = registry_scoping.committees_to_manage(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and results.is_frozen(obj.committee_id, obj.year):
            return False  # the year is published: its system is kept as it was scored
        return super().has_change_permission(request, obj)


@admin.register(IndicatorScore, site=admin_site)
class IndicatorScoreAdmin(ScopedAdmin):
    view_scope = staticmethod(_in_read_scope(IndicatorScore, "indicator__tree__committee__area_code"))
    change_scope = staticmethod(_in_manage_scope(IndicatorScore, "indicator__tree__committee__area_code"))
    list_display = ["unit", "indicator", "score", "scored_by", "scored_at"]
    list_filter = ["indicator__tree__year"]
    list_select_related = ["unit", "indicator", "scored_by"]
    search_fields = ["unit__name", "indicator__name"]
    fields = ["indicator", "unit", "score", "evidence"]
    autocomplete_fields = ["unit"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "indicator":
            kwargs["queryset"] = (
                _in_manage_scope(Indicator, "tree__committee__area_code")(request.user)
                .filter(kind=Indicator.Kind.MANUAL, children__isnull=True)
                .select_related("tree")
            )
        if db_field.name == "unit":
            kwargs["queryset"] = registry_scoping.units_to_manage(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """Through the service: it checks membership, full marks, evidence and a published year."""
        try:
            saved = results.score_indicator(
                indicator=obj.indicator,
                unit=obj.unit,
                score=obj.score,
                evidence=obj.evidence,
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            raise PermissionDenied from error
        obj.pk = saved.pk


@admin.register(CommitteeFigures, site=admin_site)
class CommitteeFiguresAdmin(ScopedAdmin):
    view_scope = staticmethod(_in_read_scope(CommitteeFigures))
    list_display = [
        "committee",
        "period",
        "needs_raised",
        "response_rate",
        "resolution_rate",
        "satisfaction_rate",
        "median_days_to_confirm",
        "median_days_to_complete",
        "participation_rate",
        "compliance_rate",
        "computed_at",
    ]
    list_filter = [InScopeCommitteeFilter, "period"]
    list_select_related = ["committee"]
    readonly_fields = [field.name for field in CommitteeFigures._meta.fields]

    def has_add_permission(self, request, *args) -> bool:
        return False  # written by the nightly job only

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Evaluation, site=admin_site)
class EvaluationAdmin(ScopedAdmin):
    """Ratings once revealed (both sides in, or the window closed): until then only the two sides see them."""

    view_scope = staticmethod(
        lambda user: _in_read_scope(Evaluation, "project__committee__area_code")(user).filter(
            revealed_at__isnull=False
        )
    )
    list_display = ["project", "side", "rater_unit", "rated_unit", "score", "created_at"]
    list_filter = ["side", "score"]
    list_select_related = ["project", "rater_unit", "rated_unit"]
    search_fields = ["project__title", "rated_unit__name"]
    readonly_fields = [
        "project",
        "side",
        "rater_unit",
        "rated_unit",
        "score",
        "comment",
        "created_by",
        "created_at",
    ]

    def has_add_permission(self, request, *args) -> bool:
        return False  # the sides evaluate on the project page

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Publication, site=admin_site)
class PublicationAdmin(ScopedAdmin):
    view_scope = staticmethod(_in_read_scope(Publication))
    list_display = ["committee", "period", "published_by", "published_at", "page"]
    list_filter = [InScopeCommitteeFilter]
    list_select_related = ["committee", "published_by"]
    readonly_fields = ["committee", "period", "published_by", "published_at"]
    exclude = ["snapshot"]

    @admin.display(description=_("published results"))
    def page(self, publication):
        url = reverse("results_page", args=[publication.committee_id, publication.period])
        return format_html('<a href="{}">{}</a>', url, _("Open"))

    def has_add_permission(self, request, *args) -> bool:
        return False  # published from the results page, with its confirmation

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- Dashboard panels ----------------------------------------------------------------------------------------


def _root_committees(user):
    """The committees at the top of the user's subtree (a secretary's own committee), at most three."""
    scope = registry_scoping.scope_of(user)
    if scope.is_superuser:
        return list(Committee.objects.filter(level="district").order_by("area_code")[:3])
    return list(Committee.objects.filter(area_code__in=scope.read_codes).order_by("area_code")[:3])


def figures_panel(request):
    roots = _root_committees(request.user)
    if not roots:
        return None
    year = periods.parse(str(timezone.localdate().year))
    stored = {
        row.committee_id: row for row in CommitteeFigures.objects.filter(committee__in=roots, period=year.key)
    }
    blocks = []
    for committee in roots:
        blocks.append(
            {
                "committee": committee,
                "figures": results.figures_dict(stored.get(committee.pk)),
                "url": reverse("results_page", args=[committee.pk, year.key]),
            }
        )
    return {
        "title": _("Figures this year"),
        "figures_blocks": blocks,
        "chart_data": {"trend": results.trend(roots[0], year), "units": []},
        "empty": _("No figures yet: they are computed every night."),
    }


def action_panel(request):
    user = request.user
    scope = registry_scoping.scope_of(user)
    if not scope.manages_anything:
        return None
    managed = registry_scoping.scoped(
        Project, user, lambda s: registry_scoping.prefix_q("committee__area_code", s.manage_codes)
    )
    rows = []
    late = projects.late(managed).select_related("committee").order_by("ends_on")
    for project in late[:10]:
        rows.append(
            (
                _("Late: %(title)s (%(committee)s, planned end %(end)s) — complete or carry over")
                % {
                    "title": project.title,
                    "committee": project.committee.name,
                    "end": project.ends_on.isoformat(),
                },
                reverse("project_detail", args=[project.pk]),
            )
        )
    if len(rows) == 10 and (more := late.count() - 10):
        rows.append((_("… and %(count)d more late projects") % {"count": more}, None))
    window_start = timezone.now() - datetime.timedelta(days=evaluation.window_days())
    awaiting = (
        managed.filter(status=Project.Status.COMPLETED, completed_at__gt=window_start)
        .annotate(ratings=Count("evaluations"))
        .filter(ratings__lt=len(Evaluation.Side.values))
        .count()
    )
    if awaiting:
        rows.append(
            (_("%(count)d completed projects still wait for an evaluation") % {"count": awaiting}, None)
        )
    last_month = periods.parse(f"{(timezone.localdate().replace(day=1) - datetime.timedelta(days=1)):%Y-%m}")
    for committee in _root_committees(user):
        if (
            registry_scoping.committees_to_manage(user).filter(pk=committee.pk).exists()
            and not Publication.objects.filter(committee=committee, period=last_month.key).exists()
        ):
            rows.append(
                (
                    _("%(committee)s: the results of %(period)s are not published yet")
                    % {"committee": committee.name, "period": last_month.label},
                    reverse("results_page", args=[committee.pk, last_month.key]),
                )
            )
    return {
        "title": _("Projects and results needing action"),
        "rows": rows,
        "empty": _("Nothing waits for you."),
    }


admin_site.dashboard_panels[:0] = [figures_panel, action_panel]
