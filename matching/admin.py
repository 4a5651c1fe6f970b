"""The secretaries' admin for the pipeline: runs (立即匹配) and proposals with their reasons."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from committees import scoping as registry_scoping
from committees.admin import InScopeCommitteeFilter, ScopedAdmin, ScopedInline
from committees.admin_site import admin_site
from committees.models import Committee
from committees.models.lists import InvalidTransition

from . import compliance, explain, runs, scoping
from .models import AgendaItem, Decision, MatchingRun, Meeting, Proposal, RulesOfProcedure
from .pipeline import deliberate


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
        "status",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
        "attempts",
        "timings",
        "counts",
        "error",
        "parent",
    ]

    def get_fields(self, request, obj=None):
        return ["committee"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_add_permission(self, request, *args) -> bool:
        return registry_scoping.scope_of(request.user).manages_anything

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "committee":
            kwargs["queryset"] = registry_scoping.committees_to_manage(request.user)
            kwargs["required"] = not request.user.is_superuser
            kwargs["help_text"] = _("Matching runs over this committee and every committee below it.")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("stage timings (s)"))
    def stage_timings(self, run):
        names = {"collect": _("collect"), "propose": _("propose"), "write": _("write")}
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


def start_matching_action(modeladmin, request, queryset):
    """Committee list action: start a run for each selected committee (立即匹配)."""
    for committee in queryset & registry_scoping.committees_to_manage(request.user):
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
admin_site._registry[Committee].actions = [*admin_site._registry[Committee].actions, start_matching_action]


# --- Deliberation: topics, meetings, rules of procedure -------------------------------------------------------


def _decide(modeladmin, request, queryset, approve: bool):
    done = 0
    for proposal in queryset & scoping.proposals_for(request.user):
        try:
            decided = deliberate.decide(
                proposal,
                by=request.user,
                approve=approve,
                reason="" if approve else str(_("Not adopted by the secretary.")),
            )
            done += 1
            if approve and decided.status != Proposal.Status.CONFIRMED:
                messages.info(
                    request,
                    _("%(topic)s: approved; the project is formed once both sides have accepted.")
                    % {"topic": decided},
                )
        except (ValidationError, PermissionDenied, InvalidTransition) as error:
            messages.warning(request, f"{proposal}: {' '.join(getattr(error, 'messages', [str(error)]))}")
    messages.success(request, _("%(count)d topics decided.") % {"count": done})


@admin.action(description=_("Approve the selected topics (secretary)"))
def approve_topics(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, approve=True)


@admin.action(description=_("Do not adopt the selected topics (secretary)"))
def reject_topics(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, approve=False)


def _record_acceptance(request, queryset, side: str):
    done = 0
    for proposal in queryset & scoping.proposals_for(request.user):
        try:
            deliberate.answer(proposal, by=request.user, accept=True, side=side)
            done += 1
        except (ValidationError, PermissionDenied, InvalidTransition) as error:
            messages.warning(request, f"{proposal}: {' '.join(getattr(error, 'messages', [str(error)]))}")
    messages.success(request, _("%(count)d answers recorded.") % {"count": done})


@admin.action(description=_("Record the need side's acceptance (on its behalf)"))
def accept_for_need_side(modeladmin, request, queryset):
    _record_acceptance(request, queryset, "need")


@admin.action(description=_("Record the provider side's acceptance (on its behalf)"))
def accept_for_provider_side(modeladmin, request, queryset):
    _record_acceptance(request, queryset, "provider")


@admin.register(Proposal, site=admin_site)
class ProposalAdmin(ScopedAdmin):
    """Topics (议题): both sides' answers, the committee's decision; changed only through the actions."""

    view_scope = staticmethod(scoping.proposals_for)
    change_scope = staticmethod(lambda user: Proposal.objects.none())  # decided through deliberation
    list_display = [
        "need",
        "need_owner",
        "provider",
        "quantity",
        "score",
        "need_side",
        "provider_side",
        "committee_decision",
        "status",
        "expires_at",
    ]
    list_filter = [InScopeCommitteeFilter, "status", "committee_decision", "source"]
    list_select_related = [
        "need__owner_unit",
        "need__owner_committee",
        "resource",
        "provider_unit",
        "committee",
    ]
    search_fields = ["need__title", "resource__title", "provider_unit__name"]
    actions = [approve_topics, reject_topics, accept_for_need_side, accept_for_provider_side]
    readonly_fields = [
        "run",
        "source",
        "claim",
        "need",
        "need_owner",
        "resource",
        "provider_unit",
        "committee",
        "quantity",
        "score",
        "reasons",
        "need_side",
        "provider_side",
        "committee_decision",
        "reason",
        "status",
        "expires_at",
        "project",
        "created_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request, *args) -> bool:
        return False

    @admin.display(description=_("resource or taking unit"))
    def provider(self, proposal):
        return proposal.resource or proposal.provider_unit

    @admin.display(description=_("need owner"))
    def need_owner(self, proposal):
        return proposal.need.owner

    @admin.display(description=_("reasons"))
    def reasons(self, proposal):
        return format_html_join("", "<li>{}</li>", ((reason,) for reason in explain.reasons(proposal)))


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["proposal", "decision", "note"]


class AgendaInline(ScopedInline):
    model = AgendaItem
    form = AgendaItemForm
    view_scope = staticmethod(lambda user: AgendaItem.objects.all())  # rows of a meeting the user may see
    autocomplete_fields = ["proposal"]
    extra = 1

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "proposal__need", "proposal__resource", "proposal__provider_unit", "proposal__committee"
            )
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "proposal":
            kwargs["queryset"] = scoping.proposals_for(request.user).filter(
                committee__in=registry_scoping.committees_to_manage(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Meeting, site=admin_site)
class MeetingAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.meetings_for)
    change_scope = staticmethod(scoping.meetings_to_manage)
    list_display = ["title", "kind", "committee", "held_on", "place", "is_held", "printable"]
    list_filter = [InScopeCommitteeFilter, "kind", "is_held"]
    list_select_related = ["committee"]
    search_fields = ["title", "minutes"]
    autocomplete_fields = ["committee", "attendees"]
    fields = ["committee", "kind", "title", "held_on", "place", "attendees", "is_held", "minutes"]
    inlines = [AgendaInline]

    @admin.display(description=_("agenda and minutes"))
    def printable(self, meeting):
        url = reverse("admin:matching_meeting_print", args=[meeting.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("Print"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/print/", self.admin_site.admin_view(self.print_view), name="matching_meeting_print"
            ),
            *super().get_urls(),
        ]

    def print_view(self, request, pk):
        meeting = get_object_or_404(self.get_queryset(request).select_related("committee"), pk=pk)
        agenda = meeting.agenda.select_related(
            "proposal__need", "proposal__resource", "proposal__provider_unit"
        )
        return TemplateResponse(
            request,
            "matching/meeting_print.html",
            {
                "meeting": meeting,
                "agenda": agenda,
                "attendees": meeting.attendees.order_by("name"),
            },
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "attendees":
            kwargs["queryset"] = registry_scoping.people_for(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        """Agenda rows are saved here; their decisions go through the deliberation service."""
        form.save_m2m()
        for formset in formsets:
            decided = []
            for item_form in formset.forms:
                if (
                    not item_form.has_changed()
                    or not item_form.cleaned_data
                    or item_form.cleaned_data.get("DELETE")
                ):
                    continue
                decision = item_form.cleaned_data.get("decision", Decision.PENDING)
                note = item_form.cleaned_data.get("note", "")
                item = item_form.save(commit=False)
                item.meeting = form.instance
                if item.pk is None:
                    item.decision = Decision.PENDING
                    item.save()
                if decision != Decision.PENDING:
                    decided.append((item, decision, note))
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for item, decision, note in decided:
                try:
                    deliberate.record_meeting_decision(item, by=request.user, decision=decision, note=note)
                except (ValidationError, PermissionDenied) as error:
                    messages.warning(request, f"{item}: {' '.join(getattr(error, 'messages', [str(error)]))}")
        if not change:
            deliberate.notify_attendees(form.instance)


@admin.register(RulesOfProcedure, site=admin_site)
class RulesOfProcedureAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.rules_for)
    change_scope = staticmethod(scoping.rules_to_manage)
    list_display = ["committee", "approval", "quorum_percent", "majority_percent", "decision_days"]
    autocomplete_fields = ["committee"]


def topics_panel(request):
    waiting = scoping.proposals_for(request.user).filter(
        committee__in=registry_scoping.committees_to_manage(request.user),
        status__in=[Proposal.Status.PROPOSED, Proposal.Status.ACCEPTED],
        committee_decision=Decision.PENDING,
    )
    count = waiting.count()
    url = reverse("admin:matching_proposal_changelist") + "?committee_decision__exact=pending"
    return {
        "title": _("Needing action"),
        "rows": [(_("%(count)d topics wait for the committee's decision") % {"count": count}, url)]
        if count
        else [],
        "empty": _("No topic waits for a decision."),
    }


def compliance_panel(request):
    behind = compliance.committees_behind(
        registry_scoping.committees_for(request.user).exclude(level="community")
    )
    rows = [
        (
            _("%(committee)s: %(count)d plenary meeting(s) this year (at least two)")
            % {"committee": committee.name, "count": committee.plenaries},
            reverse("admin:matching_meeting_add") + f"?committee={committee.pk}&kind=plenary",
        )
        for committee in behind[:20]
    ]
    if len(rows) == 20 and (more := behind.count() - 20):
        rows.append((_("… and %(count)d more committees") % {"count": more}, None))
    return {
        "title": _("Meeting compliance"),
        "rows": rows,
        "empty": _("Every committee has held its two plenary meetings this year."),
    }


admin_site.dashboard_panels.extend([topics_panel, compliance_panel])


from . import admin_outcomes  # noqa: E402, F401  (registers the outcomes admin and dashboard panels)
