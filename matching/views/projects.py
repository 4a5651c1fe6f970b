"""The project pages both sides use after confirmation: progress, milestones, completion, carry-over, cancellation
and the two-way evaluation. Thin: each form calls one service in matching.projects or matching.evaluation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import masking
from committees.models import Project
from matching import photos, scoping
from matching.forms import (
    CancelForm,
    CarryOverForm,
    CompleteForm,
    EvaluationForm,
    MilestoneDoneForm,
    MilestoneForm,
    PhotoPublicForm,
    ProgressForm,
)
from matching.models import Cancellation, Milestone, ProjectUpdate
from matching.outcomes import evaluation, projects, residents

PAGE_SIZE = 20
UPDATES_SHOWN = 20
CANCEL_IDS = (
    "id_cancel_%s"  # its reason and box sit on the page beside carry-over's reason and completion's box
)


@login_required
def project_list(request):
    """The projects the user may see (a liaison: their units'), late ones marked."""
    queryset = scoping.projects_for(request.user).select_related("committee", "lead_unit")
    status = request.GET.get("status", "")
    if status in Project.Status.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for project in page:
        project.late = project.is_late(today)
    return render(
        request,
        "matching/project_list.html",
        {"page": page, "status": status, "statuses": Project.Status.choices},
    )


def _with_contacts(user, project):
    """The allocations with both sides named and their contacts (masked unless committees.masking allows)."""
    allocations = list(
        project.allocations.select_related("need__owner_unit", "resource", "provider_unit").order_by("pk")
    )
    masking.apply_masks(user, [a.need for a in allocations])
    masking.apply_masks(user, [a.resource for a in allocations if a.resource is not None])
    return allocations


@login_required
def project_detail(request, pk: int):
    project = get_object_or_404(
        scoping.projects_for(request.user).select_related("committee", "lead_unit"), pk=pk
    )
    project_sides = scoping.project_sides(project)
    acting = scoping.project_sides_of(request.user, project, project_sides)
    leads = scoping.leads(request.user, project)
    forms = {
        "progress_form": ProgressForm(),
        "milestone_form": MilestoneForm(),
        "complete_form": CompleteForm(),
        "carry_over_form": CarryOverForm(),
        "cancel_form": CancelForm(auto_id=CANCEL_IDS),
    }
    given = {row.side for row in project.evaluations.all()}
    pending_sides = sorted(side for side in acting if side not in given)
    forms["evaluation_form"] = EvaluationForm(sides=pending_sides)
    if request.method == "POST":
        action = request.POST.get("action", "")
        handler = _ACTIONS.get(action)
        if handler is None:
            messages.error(request, _("Unknown action."))
            return redirect("project_detail", pk=project.pk)
        form_name, form = handler["form"](request, pending_sides)
        if form.is_valid():
            try:
                handler["run"](project, request.user, form.cleaned_data, request)
            except PermissionDenied:
                raise
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, handler["done"])
                return redirect("project_detail", pk=project.pk)
        forms[form_name] = form
    updates = list(
        ProjectUpdate.objects.filter(project=project)
        .select_related("unit", "created_by")
        .order_by("-created_at", "-pk")[:UPDATES_SHOWN]
    )
    # Who may show a progress photo on the public notice: its unit's liaison or the project's secretary.
    my_units, manages = (
        scoping.scope_of(request.user).liaison_unit_ids,
        scoping.manages_project(request.user, project),
    )
    for update in updates:
        update.may_publish_photo = bool(update.photo) and (manages or update.unit_id in my_units)
    return render(
        request,
        "matching/project_detail.html",
        {
            **forms,
            "project": project,
            "allocations": _with_contacts(request.user, project),
            # the topics it came from; secretaries and overseers follow them to the admin, where topics are kept
            "proposals": list(project.proposals.order_by("pk")),
            "topics_in_admin": scoping.uses_admin(request.user),
            "milestones": list(project.milestones.select_related("done_by")),
            "updates": updates,
            "carry_overs": list(project.carry_overs.select_related("created_by")),
            "evaluations": scoping.evaluations_visible_on(request.user, project),
            "evaluation_closes_at": evaluation.closes_at(project),
            "evaluation_open": evaluation.is_open(project),
            "pending_sides": pending_sides,
            "can_report": bool(acting) and project.status in Project.ACTIVE_STATUSES,
            "leads": leads and project.status in Project.ACTIVE_STATUSES,
            "is_late": project.is_late(),
            "may_cancel": project.status in Project.ACTIVE_STATUSES
            and scoping.may_cancel_project(request.user, project),
            "cancellation": Cancellation.objects.select_related("created_by").filter(project=project).first(),
        },
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _milestone_done(project, user, data, _request):
    milestone = get_object_or_404(Milestone, pk=data["milestone"], project=project)
    projects.complete_milestone(milestone=milestone, by=user)


def _show_photo(project, user, data, _request):
    update = get_object_or_404(ProjectUpdate, pk=data["update"], project=project)
    residents.show_photo(update=update, by=user, public=data["public"])


_ACTIONS = {
    "progress": {
        "form": lambda request, _sides: ("progress_form", ProgressForm(request.POST, request.FILES)),
        "run": lambda project, user, data, _request: projects.post_update(
            project=project, by=user, text=data["text"], photo=data.get("photo")
        ),
        "done": _("Progress reported."),
    },
    "milestone": {
        "form": lambda request, _sides: ("milestone_form", MilestoneForm(request.POST)),
        "run": lambda project, user, data, _request: projects.add_milestone(
            project=project, by=user, title=data["title"], due_on=data["due_on"]
        ),
        "done": _("Milestone added."),
    },
    "milestone_done": {
        "form": lambda request, _sides: ("milestone_done_form", MilestoneDoneForm(request.POST)),
        "run": _milestone_done,
        "done": _("Milestone marked done."),
    },
    "complete": {
        "form": lambda request, _sides: ("complete_form", CompleteForm(request.POST)),
        "run": lambda project, user, _data, _request: projects.complete_project(project=project, by=user),
        "done": _("Project completed: both sides are invited to evaluate."),
    },
    "carry_over": {
        "form": lambda request, _sides: ("carry_over_form", CarryOverForm(request.POST)),
        "run": lambda project, user, data, _request: projects.carry_over(
            project=project, by=user, reason=data["reason"], new_end=data["new_end"]
        ),
        "done": _("Project carried over."),
    },
    "cancel": {
        "form": lambda request, _sides: ("cancel_form", CancelForm(request.POST, auto_id=CANCEL_IDS)),
        "run": lambda project, user, data, _request: projects.cancel_project(
            project=project, by=user, reason=data["reason"]
        ),
        "done": _("Project cancelled: its quantity is back on the lists and both sides are told."),
    },
    "photo_public": {
        "form": lambda request, _sides: ("photo_public_form", PhotoPublicForm(request.POST)),
        "run": _show_photo,
        "done": _("The photo's place on the public notice is saved."),
    },
    "evaluate": {
        "form": lambda request, sides: ("evaluation_form", EvaluationForm(request.POST, sides=sides)),
        "run": lambda project, user, data, _request: evaluation.submit(
            project=project, by=user, side=data["side"], score=data["score"], comment=data["comment"]
        ),
        "done": _("Thank you: your evaluation is recorded."),
    },
}


@login_required
def update_photo(request, pk: int):
    """Photos are served only to those who may see the project, never from a public media folder."""
    update = get_object_or_404(
        ProjectUpdate.objects.filter(project__in=scoping.projects_for(request.user)).exclude(photo=""),
        pk=pk,
    )
    try:
        kind = photos.stored_type(update.photo)
        if kind is None:
            raise Http404
        response = FileResponse(
            update.photo.open("rb"),
            content_type=kind.content_type,
            filename=f"photo-{update.pk}.{kind.extension}",
        )
    except FileNotFoundError as error:
        raise Http404 from error
    # An image whatever its bytes may also be: no sniffing, and a document that could run nothing if opened alone.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
