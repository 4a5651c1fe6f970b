"""Pages that show the lists and the pipeline together: the liaison's dashboard with its proposals."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from committees import scoping as registry_scoping
from committees import selectors

from . import explain, scoping
from .models import Proposal

DASHBOARD_PROPOSALS = 10


@login_required
def home(request):
    """Secretaries and overseers land in the admin; liaisons on their unit's dashboard."""
    scope = registry_scoping.scope_of(request.user)
    if scope.uses_admin and not scope.is_liaison:
        return redirect("admin:index")
    proposals = list(
        scoping.proposals_for(request.user)
        .filter(status__in=Proposal.OPEN_STATUSES)
        .select_related("need", "resource", "provider_unit", "committee")
        .order_by("-created_at")[:DASHBOARD_PROPOSALS]
    )
    for proposal in proposals:
        proposal.reasons = explain.reasons(proposal)
    return render(
        request, "committees/home.html", {**selectors.dashboard(request.user), "proposals": proposals}
    )
