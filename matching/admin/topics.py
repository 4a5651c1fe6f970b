"""Topics (议题) in the admin: the proposals with their reasons, both sides' answers and the decision actions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from committees.admin.filters import InScopeCommitteeFilter
from config.admin.base import ScopedAdmin
from config.admin.site import admin_site
from config.exceptions import InvalidTransition
from matching import explain, scoping
from matching.models import Proposal
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
