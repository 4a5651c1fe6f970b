"""Matching runs in the admin: start one (立即匹配) for a committee's subtree, follow its progress."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from config.admin.base import ScopedAdmin
from config.admin.site import admin_site
from matching import scoping
from matching.models import MatchingRun
from matching.pipeline import runs


class StartRunForm(forms.ModelForm):
    class Meta:
        model = MatchingRun
        fields = ["committee"]


@admin.register(MatchingRun, site=admin_site)
class MatchingRunAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.runs_for)
    change_scope = staticmethod(lambda user: MatchingRun.objects.none())  # a run is a record, not edited
    form = StartRunForm
    list_display = [
        "__str__",
        "trigger",
        "status",
        "started_at",
        "seconds",
        "needs",
        "candidates",
        "proposals_made",
    ]
    list_filter = ["status", "trigger", ("committee", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["committee"]
    readonly_fields = [
        "committee",
        "scope_code",
        "trigger",
        "requested_by",
        "created_at",
        "progress",  # status, start, end, attempts, stages and counts: refreshed while the run is under way
        "parent",
    ]

    class Media:
        js = ["js/run_status.js"]

    def get_fields(self, request, obj=None):
        return ["committee"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_add_permission(self, request, *args) -> bool:
        return scoping.scope_of(request.user).manages_anything

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "committee":
            kwargs["queryset"] = scoping.committees_to_manage(request.user)
            kwargs["required"] = not request.user.is_superuser
            kwargs["help_text"] = _("Matching runs over this committee and every committee below it.")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("progress"))
    def progress(self, run):
        """Status, stages and counts as a Chinese table, refreshed by static/js/run_status.js while running."""
        return render_to_string("admin/matching/run_progress.html", progress_context(run))

    def get_urls(self):
        status = self.admin_site.admin_view(self.status_view)
        return [
            path("<int:pk>/status.json", status, name="matching_matchingrun_status"),
            *super().get_urls(),
        ]

    def status_view(self, request, pk: int):
        """The progress block as JSON, for the page's poller: the run through the gate, 404 out of scope."""
        run = get_object_or_404(self.get_queryset(request).select_related("committee"), pk=pk)
        html = render_to_string("admin/matching/run_progress.html", progress_context(run), request=request)
        return JsonResponse({"status": run.status, "active": run.is_active, "html": html})

    @admin.display(description=_("stage timings (s)"))
    def stage_timings(self, run):
        names = {"collect": _("collect"), "propose": _("propose"), "write": _("write"), "solve": _("solve")}
        return " · ".join(f"{names.get(k, k)} {v:.2f}" for k, v in run.timings.items()) or "—"

    @admin.display(description=_("counts"))
    def figures(self, run):
        names = {
            "needs": _("needs"),
            "resources": _("resources"),
            "candidates": _("candidates"),
            "claims": _("claims"),
            "proposals": _("proposals"),
            "shards": _("district shards"),
        }
        return " · ".join(f"{names[k]} {v}" for k, v in run.counts.items() if k in names) or "—"

    @admin.display(description=_("needs"))
    def needs(self, run):
        return run.counts.get("needs", "—")

    @admin.display(description=_("candidates"))
    def candidates(self, run):
        return run.counts.get("candidates", "—")

    @admin.display(description=_("proposals"))
    def proposals_made(self, run):
        return run.counts.get("proposals", "—")

    @admin.display(description=_("seconds"))
    def seconds(self, run):
        return run.seconds

    def save_model(self, request, obj, form, change):
        started = runs.start_run(committee=form.cleaned_data.get("committee"), by=request.user)
        obj.pk = started.run.pk
        if not started.created:
            messages.warning(
                request,
                _("A run over an overlapping scope is already under way (%(run)s); it is shown instead.")
                % {"run": started.run},
            )

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, _("Matching started: the page shows its progress."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:matching_matchingrun_change", args=[obj.pk]))

    def save_related(self, request, form, formsets, change):
        pass  # the run was created by runs.start_run


STAGES = {
    "queue": _("waiting in queue"),
    "collect": _("collect"),
    "propose": _("propose"),
    "write": _("write"),
}
COUNTS = {
    "needs": _("needs"),
    "resources": _("resources"),
    "candidates": _("candidates"),
    "groups": _("groups"),
    "claims": _("claims"),
    "proposals": _("proposals"),
    "closed_lost_races": _("topics closed by a race"),
    "shards": _("district shards"),
    "shard_candidates": _("candidates in shards"),
}


def progress_context(run: MatchingRun) -> dict:
    proposals = run.proposals.count() if not run.is_active else 0
    return {
        "run": run,
        "status_url": reverse("admin:matching_matchingrun_status", args=[run.pk]),
        "stages": [(STAGES.get(key, key), value) for key, value in run.timings.items() if key in STAGES],
        "counts": [(label, run.counts[key]) for key, label in COUNTS.items() if key in run.counts],
        "proposal_count": proposals,
        "proposals_url": (reverse("admin:matching_proposal_changelist") + f"?run={run.pk}")
        if proposals
        else "",
    }


def start_matching_action(modeladmin, request, queryset):
    """Committee list action: start a run for each selected committee (立即匹配)."""
    for committee in queryset & scoping.committees_to_manage(request.user):
        started = runs.start_run(committee=committee, by=request.user)
        if started.created:
            messages.success(
                request, _("Matching started for %(committee)s.") % {"committee": committee.name}
            )
        else:
            messages.warning(
                request,
                _("%(committee)s: a run over an overlapping scope is already under way (%(run)s).")
                % {"committee": committee.name, "run": started.run},
            )


start_matching_action.short_description = _("Match now")
admin_site.register_action(Committee, start_matching_action)
