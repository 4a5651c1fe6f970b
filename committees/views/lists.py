"""The member units' pages (liaisons): thin views over scoping, selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from committees import masking, scoping, selectors, services
from committees.forms import BrowseForm, ClaimForm, NeedForm, ReasonForm, ResourceForm
from committees.models import Claim, CollectionRequest, Need, Resource

PAGE_SIZE = 20
KINDS = {
    "needs": {"model": Need, "form": NeedForm, "title": gettext_lazy("Needs")},
    "resources": {"model": Resource, "form": ResourceForm, "title": gettext_lazy("Resources")},
}


def _kind(kind: str) -> dict:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def _require_liaison(request) -> None:
    if not scoping.scope_of(request.user).is_liaison:
        raise PermissionDenied


def _own_record(request, kind: str, pk: int):
    """A record of one of the user's units; anything else is 404, as if it did not exist."""
    model = _kind(kind)["model"]
    return get_object_or_404(
        scoping.own_records(request.user, model).select_related("category", "committee", "owner_unit"), pk=pk
    )


@login_required
def record_list(request, kind: str):
    _require_liaison(request)
    spec = _kind(kind)
    status = request.GET.get("status", "")
    records = selectors.own_records(request.user, spec["model"])
    if status in spec["model"].Status.values:
        records = records.filter(status=status)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "committees/record_list.html",
        {
            "kind": kind,
            "title": spec["title"],
            "page": page,
            "status": status,
            "statuses": spec["model"].Status.choices,
        },
    )


@login_required
def record_detail(request, kind: str, pk: int):
    spec = _kind(kind)
    record = get_object_or_404(
        scoping.resources_for(request.user) if spec["model"] is Resource else scoping.needs_for(request.user),
        pk=pk,
    )
    masking.apply_masks(request.user, [record])
    is_own = scoping.acts_for_unit(request.user, record.owner_unit_id)
    claims = (
        record.claims.select_related("unit").order_by("-created_at") if kind == "needs" and is_own else []
    )
    my_claim = None
    if kind == "needs" and not is_own:
        my_claim = scoping.own_claims(request.user).filter(need=record, status=Claim.Status.LIVE).first()
    return render(
        request,
        "committees/record_detail.html",
        {
            "kind": kind,
            "record": record,
            "is_own": is_own,
            "claims": claims,
            "my_claim": my_claim,
            # what the buttons offer is what the services accept (the gate and the lifecycle, one answer)
            "may_edit": is_own and scoping.can_edit_record(request.user, record),
            "may_publish": is_own and scoping.can_publish_record(request.user, record),
            "may_withdraw": is_own and scoping.can_withdraw_record(request.user, record),
            "history": record.history.select_related("history_user").order_by("-history_date")[:20]
            if is_own
            else [],
        },
    )


@login_required
def record_create(request, kind: str):
    _require_liaison(request)
    spec = _kind(kind)
    answering = _answerable_request(request)
    form = spec["form"](request.POST or None, user=request.user, initial=_contact_initial(request.user))
    if answering and not form.is_bound:
        form.fields["unit"].initial = answering.unit
        form.fields["committee"].initial = answering.round.committee
    if form.is_valid():
        try:
            record = services.create_record(
                spec["model"],
                by=request.user,
                owner_unit=form.cleaned_data["unit"],
                committee=form.cleaned_data["committee"],
                collection_request=answering,
                **form.content(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if "publish" in request.POST:
                services.publish_record(record, by=request.user)
                messages.success(request, _("Published: %(title)s") % {"title": record.title})
            else:
                messages.success(request, _("Saved as a draft: %(title)s") % {"title": record.title})
            return redirect("record_detail", kind=kind, pk=record.pk)
    return render(
        request,
        "committees/record_form.html",
        {
            "kind": kind,
            "form": form,
            "answering": answering,
            "title": _("New need") if kind == "needs" else _("New resource"),
        },
    )


def _contact_initial(user) -> dict:
    """Data entered once is not asked again: the contact defaults to the liaison, or their unit's contact."""
    unit = scoping.units_acted_for(user).first()
    return {
        "contact_name": user.name or (unit.contact_name if unit else ""),
        "contact_phone": user.phone or (unit.contact_phone if unit else ""),
    }


def _answerable_request(request) -> CollectionRequest | None:
    request_id = request.GET.get("answer") or request.POST.get("answer")
    if not request_id or not str(request_id).isdigit():
        return None
    return get_object_or_404(
        scoping.own_collection_requests(request.user).select_related("round__committee", "unit"),
        pk=request_id,
    )


@login_required
def record_edit(request, kind: str, pk: int):
    spec = _kind(kind)
    record = _own_record(request, kind, pk)
    form = spec["form"](request.POST or None, instance=record, user=request.user)
    if form.is_valid():
        try:
            services.update_record(record, by=request.user, **form.content())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("record_detail", kind=kind, pk=record.pk)
    return render(
        request,
        "committees/record_form.html",
        {
            "kind": kind,
            "form": form,
            "record": record,
            "title": _("Edit: %(title)s") % {"title": record.title},
        },
    )


@login_required
@require_POST
def record_publish(request, kind: str, pk: int):
    record = _own_record(request, kind, pk)
    try:
        services.publish_record(record, by=request.user)
        messages.success(request, _("Published: %(title)s") % {"title": record.title})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("record_detail", kind=kind, pk=pk)


@login_required
def record_withdraw(request, kind: str, pk: int):
    """Withdrawing asks for a reason on a page of its own: it is the confirmation before a destructive action."""
    record = _own_record(request, kind, pk)
    form = ReasonForm(request.POST or None)
    if form.is_valid():
        try:
            services.withdraw_record(record, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Withdrawn: %(title)s") % {"title": record.title})
            return redirect("record_detail", kind=kind, pk=pk)
    return render(
        request,
        "committees/confirm_reason.html",
        {
            "form": form,
            "record": record,
            "title": _("Withdraw “%(title)s”") % {"title": record.title},
            "explanation": _(
                "The record leaves the lists; it stays in your ledger and its history. Live claims on it "
                "are cancelled."
            ),
            "button": _("Withdraw"),
            "back": redirect("record_detail", kind=kind, pk=pk).url,
        },
    )


@login_required
def browse(request, kind: str):
    """Published records within reach of the user's units: for needs, the ones the unit may claim now."""
    _require_liaison(request)
    spec = _kind(kind)
    form = BrowseForm(request.GET or None)
    records = selectors.browsable(request.user, spec["model"])
    if form.is_valid():
        if form.cleaned_data["q"]:
            term = form.cleaned_data["q"]
            records = records.filter(Q(title__icontains=term) | Q(description__icontains=term))
        if form.cleaned_data["category"]:
            records = records.filter(category=form.cleaned_data["category"])
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    masking.apply_masks(request.user, page.object_list)
    return render(
        request,
        "committees/browse.html",
        {
            "kind": kind,
            "title": _("Claim hall") if kind == "needs" else _("Resources within reach"),
            "form": form,
            "page": page,
        },
    )


@login_required
def claim(request, pk: int):
    _require_liaison(request)
    need = get_object_or_404(scoping.needs_for(request.user).select_related("committee"), pk=pk)
    form = ClaimForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            services.claim_need(
                need, unit=form.cleaned_data["unit"], by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Claimed: %(title)s. The committee will deliberate it.") % {"title": need.title}
            )
            return redirect("record_detail", kind="needs", pk=pk)
    return render(request, "committees/claim_form.html", {"form": form, "need": need})


@login_required
def claim_cancel(request, pk: int):
    claim_ = get_object_or_404(scoping.own_claims(request.user).select_related("need"), pk=pk)
    form = ReasonForm(request.POST or None)
    if form.is_valid():
        try:
            services.cancel_claim(claim_, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Claim cancelled."))
            return redirect("record_detail", kind="needs", pk=claim_.need_id)
    return render(
        request,
        "committees/confirm_reason.html",
        {
            "form": form,
            "record": claim_.need,
            "title": _("Cancel the claim of “%(title)s”") % {"title": claim_.need.title},
            "explanation": _("The committee will no longer consider your unit for this need."),
            "button": _("Cancel the claim"),
            "back": redirect("record_detail", kind="needs", pk=claim_.need_id).url,
        },
    )


@login_required
def collection_request(request, pk: int):
    """A collection round as the unit sees it: what is asked, what the unit answered, and how to answer."""
    asked = get_object_or_404(
        scoping.own_collection_requests(request.user).select_related(
            "round__committee", "unit", "answered_by"
        ),
        pk=pk,
    )
    answers = selectors.answers_to(asked)
    return render(request, "committees/collection_request.html", {"asked": asked, **answers})


@login_required
@require_POST
def collection_request_nothing(request, pk: int):
    asked = get_object_or_404(scoping.own_collection_requests(request.user), pk=pk)
    services.answer_nothing_this_time(asked, by=request.user)
    messages.success(request, _("Answered: nothing this time. Thank you."))
    return redirect("collection_request", pk=pk)
