"""Pages that show the lists and the pipeline together: the liaison's dashboard with its proposals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from committees import masking, notifications, selectors
from committees.models import Notification
from config.todo import todos_for
from matching import explain, scoping
from matching.forms import AnswerForm, CommentForm, VoteForm
from matching.models import Proposal
from matching.pipeline import deliberate

DASHBOARD_PROPOSALS = 10


@login_required
def home(request):
    """Secretaries and overseers land in the admin; liaisons on their unit's dashboard."""
    scope = scoping.scope_of(request.user)
    if scope.uses_admin and not scope.is_liaison:
        return redirect("admin:index")
    if scope.is_department and not scope.is_liaison:
        return redirect("summons_home")  # 吹哨报到: a department's person lands on their summons
    if not scope.is_liaison and scoping.own_member_report(request.user):  # 双报到: a party member's own pages
        return redirect("members_home")
    if request.method == "POST" and "mark_read" in request.POST:
        notifications.mark_all_read(by=request.user)
        return redirect("home")
    proposals = list(
        scoping.proposals_for(request.user)
        .filter(status__in=Proposal.OPEN_STATUSES)
        .select_related("need__owner_unit", "resource", "provider_unit", "committee")
        .order_by("-created_at")[:DASHBOARD_PROPOSALS]
    )
    name_sides(request.user, proposals)
    for proposal in proposals:
        proposal.reasons = explain.reasons(proposal)
        pending = {"need": proposal.need_side, "provider": proposal.provider_side}
        proposal.awaits_me = any(
            pending[side] == "pending" for side in scoping.proposal_sides_of(request.user, proposal)
        )
    return render(
        request,
        "committees/home.html",
        {
            **selectors.dashboard(request.user),
            "proposals": proposals,
            "todos": todos_for(request.user),
            "notifications": list(
                Notification.objects.filter(user=request.user, read_at__isnull=True, done_at__isnull=True)[
                    :10
                ]
            ),
            "topics_to_vote": scoping.topics_to_vote(request.user).count(),
        },
    )


def name_sides(user, proposals) -> None:
    """Both sides named on each proposal: `need_unit`, `provider_name`, and, once both sides have accepted, the
    other side's contact (`other_contact`: the record, masked unless masking lets this user see it in full)."""
    contacts = []
    for proposal in proposals:
        proposal.need_unit = proposal.need.owner_unit
        sides = scoping.proposal_sides_of(user, proposal) if scoping.scope_of(user).is_liaison else set()
        proposal.other_contact = None
        if proposal.need_side == proposal.provider_side == "accepted" and sides:
            other = (
                proposal.resource if sides == {"need"} else proposal.need if sides == {"provider"} else None
            )
            if other is not None:
                proposal.other_contact = other
                contacts.append(other)
    for model in {type(record) for record in contacts}:
        masking.apply_masks(user, [record for record in contacts if type(record) is model])


@login_required
def proposal_answer(request, pk: int):
    """A liaison accepts or declines a proposal for their unit (declining asks for a reason)."""
    proposal = get_object_or_404(
        scoping.proposals_for(request.user).select_related(
            "need__owner_unit", "resource", "provider_unit", "committee"
        ),
        pk=pk,
    )
    name_sides(request.user, [proposal])
    form = AnswerForm(request.POST or None)
    if form.is_valid():
        try:
            deliberate.answer(
                proposal,
                by=request.user,
                accept=form.cleaned_data["accept"] == "yes",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your answer is recorded."))
            return redirect("home")
    proposal.reasons = explain.reasons(proposal)
    return render(request, "matching/proposal_answer.html", {"proposal": proposal, "form": form})


@login_required
def topics(request):
    """The topics a chair, vice chair or member deliberates: open topics of their committees."""
    rows = scoping.topics_for(request.user).select_related("need", "resource", "provider_unit", "committee")
    page = Paginator(rows.order_by("expires_at", "pk"), 20).get_page(request.GET.get("page"))
    return render(request, "matching/topics.html", {"page": page})


@login_required
def topic(request, pk: int):
    proposal = get_object_or_404(
        scoping.topics_for(request.user).select_related("need", "resource", "provider_unit", "committee"),
        pk=pk,
    )
    comment_form = CommentForm(request.POST if "comment" in request.POST else None)
    vote_form = VoteForm(request.POST if "vote" in request.POST else None)
    try:
        if comment_form.is_valid():
            deliberate.comment(proposal, by=request.user, text=comment_form.cleaned_data["text"])
            return redirect("topic", pk=pk)
        if vote_form.is_valid():
            deliberate.vote(proposal, by=request.user, choice=vote_form.cleaned_data["choice"])
            messages.success(request, _("Your vote is recorded."))
            return redirect("topic", pk=pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    proposal.reasons = explain.reasons(proposal)
    return render(
        request,
        "matching/topic.html",
        {
            "proposal": proposal,
            "comments": proposal.comments.select_related("user"),
            "tally": deliberate.vote_tally(proposal),
            "rules": deliberate.rules_of(proposal.committee),
            "my_vote": proposal.votes.filter(user=request.user).first(),
            "may_vote": scoping.can_vote(request.user, proposal.committee_id),
            "comment_form": CommentForm(),
            "vote_form": VoteForm(),
        },
    )
