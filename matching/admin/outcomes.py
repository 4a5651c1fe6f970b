"""The secretaries' admin for what follows confirmation: cancelling projects, indicator systems and scores, figures,
evaluations and published results, and the dashboard panels (figures with their trend, items needing action)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from committees.admin.filters import InScopeCommitteeFilter
from committees.models import Project
from config.admin.base import ScopedAdmin, ScopedInline
from config.admin.site import admin_site
from config.exceptions import InvalidTransition
from matching import scoping
from matching.models import (
    CommitteeFigures,
    Evaluation,
    Indicator,
    IndicatorScore,
    IndicatorTree,
    Publication,
)
from matching.outcomes import projects, results


def cancel_projects(modeladmin, request, queryset):
    """Project list action (committees owns the project admin): cancel the selected projects the user may cancel,
    after a confirmation page that asks for the reason. Each goes through projects.cancel_project."""
    chosen = [
        project
        for project in (queryset & scoping.projects_for(request.user)).select_related("committee")
        if scoping.may_cancel_project(request.user, project)
    ]
    reason = request.POST.get("reason", "").strip()
    if request.POST.get("confirmed") != "yes" or not reason:
        context = {
            **admin_site.each_context(request),
            "title": _("Cancel projects"),
            "projects": chosen,
            "opts": Project._meta,
        }
        return TemplateResponse(request, "admin/matching/cancel_projects.html", context)
    done = 0
    for project in chosen:
        try:
            projects.cancel_project(project=project, by=request.user, reason=reason)
            done += 1
        except (ValidationError, PermissionDenied, InvalidTransition) as error:
            messages.warning(request, f"{project}: {' '.join(getattr(error, 'messages', [str(error)]))}")
    messages.success(request, _("%(count)d projects cancelled.") % {"count": done})
    return None


cancel_projects.short_description = _("Cancel the selected projects…")
admin_site.register_action(Project, cancel_projects)


class IndicatorInline(ScopedInline):
    model = Indicator
    fields = ["position", "name", "parent", "kind", "metric", "weight", "max_score"]
    extra = 3
    view_scope = staticmethod(scoping.indicators_for)
    change_scope = staticmethod(scoping.indicators_to_manage)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            tree_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Indicator.objects.filter(tree_id=tree_id or 0, kind=Indicator.Kind.GROUP)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(IndicatorTree, site=admin_site)
class IndicatorTreeAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.indicator_trees_for)
    change_scope = staticmethod(scoping.indicator_trees_to_manage)
    list_display = ["title", "committee", "year"]
    list_filter = [InScopeCommitteeFilter, "year"]
    list_select_related = ["committee"]
    autocomplete_fields = ["committee"]
    inlines = [IndicatorInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "committee":
            kwargs["queryset"] = scoping.committees_to_manage(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and results.is_frozen(obj.committee_id, obj.year):
            return False  # the year is published: its system is kept as it was scored
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ["committee", "year"] if obj else []

    def check_write(self, request, obj, data):
        committee = obj.committee if obj else data.get("committee")
        year = obj.year if obj else data.get("year")
        if committee is not None and year is not None:
            results.check_tree_editable(by=request.user, committee_id=committee.pk, year=year)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in results.TREE_FIELDS if name in form.cleaned_data}
        if change:
            saved = results.save_indicator_tree(by=request.user, tree=obj, **fields)
        else:
            saved = results.save_indicator_tree(
                by=request.user,
                committee=form.cleaned_data["committee"],
                year=form.cleaned_data["year"],
                **fields,
            )
        obj.pk = saved.pk

    def save_formset(self, request, form, formset, change):
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # for the log
        tree = IndicatorTree.objects.get(pk=form.instance.pk)
        for row in formset.forms:
            if not row.has_changed() or not row.cleaned_data or row.cleaned_data.get("DELETE"):
                continue
            fields = {
                name: row.cleaned_data[name] for name in results.INDICATOR_FIELDS if name in row.cleaned_data
            }
            results.save_indicator(
                by=request.user, tree=tree, indicator=row.instance if row.instance.pk else None, **fields
            )


@admin.register(IndicatorScore, site=admin_site)
class IndicatorScoreAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.indicator_scores_for)
    change_scope = staticmethod(scoping.indicator_scores_to_manage)
    list_display = ["unit", "indicator", "score", "scored_by", "scored_at"]
    list_filter = ["indicator__tree__year"]
    list_select_related = ["unit", "indicator", "scored_by"]
    search_fields = ["unit__name", "indicator__name"]
    fields = ["indicator", "unit", "score", "evidence"]
    autocomplete_fields = ["unit"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "indicator":
            kwargs["queryset"] = (
                scoping.indicators_to_manage(request.user)
                .filter(kind=Indicator.Kind.MANUAL, children__isnull=True)
                .select_related("tree")
            )
        if db_field.name == "unit":
            kwargs["queryset"] = scoping.units_to_manage(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """Through the service: it checks membership, full marks, evidence and a published year (a refusal is
        shown on the page by the base admin, and nothing is saved)."""
        saved = results.score_indicator(
            indicator=obj.indicator,
            unit=obj.unit,
            score=obj.score,
            evidence=obj.evidence,
            by=request.user,
        )
        obj.pk = saved.pk


@admin.register(CommitteeFigures, site=admin_site)
class CommitteeFiguresAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.figures_for)
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
    """Ratings once revealed (both sides in, or the window closed); until then only the side that gave one and the
    secretaries of the project's committee see it."""

    view_scope = staticmethod(scoping.evaluations_for)  # the same rule as the project page and the API
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
    view_scope = staticmethod(scoping.publications_for)
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
