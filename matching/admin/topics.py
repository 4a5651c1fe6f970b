"""Topics (议题) in the admin: the proposals with their reasons, both sides' answers and the decision actions."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from committees.admin.filters import InScopeCommitteeFilter
from config.admin.base import ScopedAdmin
from config.admin.site import admin_site
from config.exceptions import InvalidTransition
from matching import explain, scoping
from matching.models import Decision, Proposal, RulesOfProcedure
from matching.pipeline import deliberate


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
            if approve:
                messages.info(request, approval_message(decided))
        except (ValidationError, PermissionDenied, InvalidTransition) as error:
            messages.warning(request, f"{proposal}: {' '.join(getattr(error, 'messages', [str(error)]))}")
    messages.success(request, _("%(count)d topics decided.") % {"count": done})


def approval_message(proposal: Proposal) -> str:
    """What approving did: a project now, or a wait for the sides still to answer."""
    if proposal.status == Proposal.Status.CONFIRMED:
        return _("%(topic)s: approved; both sides had accepted, so it is now a project: %(project)s.") % {
            "topic": proposal,
            "project": proposal.project,
        }
    return _("%(topic)s: approved; the project is formed once both sides have accepted.") % {
        "topic": proposal
    }


class RunFilter(admin.SimpleListFilter):
    """The proposals of one run (the run page links here); shown only while a run is selected."""

    title = _("run")
    parameter_name = "run"

    def lookups(self, request, model_admin):
        value = self.value()
        if not (value and value.isdigit()):
            return []
        run = scoping.runs_for(request.user).filter(pk=int(value)).first()
        return [(value, str(run))] if run else []

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(run_id=int(value)) if value.isdigit() else queryset.none()


class DecisionForm(forms.Form):
    approve = forms.ChoiceField(choices=[("yes", _("Approve")), ("no", _("Do not adopt"))])
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("approve") == "no" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason the topic is not adopted."))
        return data


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
    # Fewer, wider columns at 1366 px: both answers and the decision in one column; the score on the topic's page.
    list_display = ["need", "need_owner", "provider", "quantity", "answers", "status", "expires_at"]
    list_filter = [InScopeCommitteeFilter, "status", "committee_decision", "source", RunFilter]
    change_form_template = "admin/matching/proposal_change_form.html"
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

    def may_decide(self, request, proposal: Proposal) -> bool:
        """The secretary decides alone here (同意/不同意) where the rules of procedure say so."""
        return (
            proposal.status in Proposal.OPEN_STATUSES
            and proposal.committee_decision == Decision.PENDING
            and scoping.manages_committee(request.user, proposal.committee)
            and deliberate.rules_of(proposal.committee).approval == RulesOfProcedure.Approval.SECRETARY
        )

    def get_urls(self):
        decide = self.admin_site.admin_view(self.decide_view)
        return [path("<int:pk>/decide/", decide, name="matching_proposal_decide"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if proposal is not None and self.may_decide(request, proposal):
            extra["decision_form"] = DecisionForm()
            extra["decide_url"] = reverse("admin:matching_proposal_decide", args=[proposal.pk])
        return super().change_view(request, object_id, form_url, extra)

    def decide_view(self, request, pk: int):
        """同意 / 不同意 from the topic's page, through deliberate.decide (the gate and the rules checked there)."""
        proposal = get_object_or_404(self.get_queryset(request), pk=pk)
        back = reverse("admin:matching_proposal_change", args=[pk])
        if request.method != "POST":
            return HttpResponseRedirect(back)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return HttpResponseRedirect(back)
        approve = form.cleaned_data["approve"] == "yes"
        try:
            decided = deliberate.decide(
                proposal, by=request.user, approve=approve, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied:
            raise
        except (ValidationError, InvalidTransition) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return HttpResponseRedirect(back)
        if approve:
            messages.success(request, approval_message(decided))
        else:
            messages.success(request, _("%(topic)s: not adopted.") % {"topic": decided})
        return HttpResponseRedirect(back)

    @admin.display(description=_("resource or taking unit"))
    def provider(self, proposal):
        return proposal.resource or proposal.provider_unit

    @admin.display(description=_("answers and decision"))
    def answers(self, proposal):
        """Both sides' answers and the committee's decision in one narrow column, a line each."""
        return format_html(
            "{}：{}<br>{}：{}<br>{}：{}",
            _("need side"),
            proposal.get_need_side_display(),
            _("provider side"),
            proposal.get_provider_side_display(),
            _("committee"),
            proposal.get_committee_decision_display(),
        )

    @admin.display(description=_("need owner"))
    def need_owner(self, proposal):
        return proposal.need.owner

    @admin.display(description=_("reasons"))
    def reasons(self, proposal):
        return format_html_join("", "<li>{}</li>", ((reason,) for reason in explain.reasons(proposal)))
