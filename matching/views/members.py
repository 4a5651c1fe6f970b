"""The party members' phone pages (双报到): register with a community, the community's tasks, my tasks, my hours,
my commitment; the unit's liaison's view of its members (双向反馈); the secretary's live sign-up count."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees import masking, services
from config.todo import todos_for
from matching import scoping, volunteering
from matching.forms_members import CommitmentForm, MemberRegistrationForm
from matching.models import SignUp

PAGE = 20


def register(request):
    """A member reports to the community where they live: a new account here, or the logged-in one."""
    if request.user.is_authenticated and scoping.own_member_report(request.user):
        return redirect("members_home")
    new_account = not request.user.is_authenticated
    form = MemberRegistrationForm(request.POST or None, new_account=new_account)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        fields = {k: data[k] for k in ("name", "phone", "address", "unit", "unit_name", "availability")}
        try:
            if new_account:
                report = services.register_member_account(
                    username=data["username"],
                    password=data["password"],
                    community=data["community"],
                    skills=data["skills"],
                    **fields,
                )
                login(request, report.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                services.register_member(
                    by=request.user, community=data["community"], skills=data["skills"], **fields
                )
        except ValidationError as error:
            _add(form, error)
        else:
            messages.success(request, _("Your report is sent; the community's secretary will confirm it."))
            return redirect("members_home")
    return render(request, "matching/members/register.html", {"form": form})


def _add(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def home(request):
    report = scoping.own_member_report(request.user)
    if report is None:
        return redirect("members_register")
    masking.mask_member_reports(request.user, [report])
    upcoming = list(
        SignUp.objects.filter(
            member=report, status=SignUp.Status.SIGNED_UP, task__starts_at__gte=timezone.now()
        )
        .select_related("task")
        .order_by("task__starts_at")[:10]
    )
    return render(
        request,
        "matching/members/home.html",
        {"report": report, "upcoming": upcoming, "todos": todos_for(request.user)},
    )


@login_required
def task_list(request):
    if not scoping.scope_of(request.user).is_reported_member:
        return redirect("members_home")
    tasks = (
        scoping.tasks_for(request.user)
        .filter(starts_at__gte=timezone.now())
        .select_related("community")
        .order_by("starts_at", "pk")
    )
    page = Paginator(tasks, PAGE).get_page(request.GET.get("page"))
    mine = set(
        SignUp.objects.filter(
            member__user=request.user, status__in=SignUp.LIVE, task__in=[t.pk for t in page.object_list]
        ).values_list("task_id", flat=True)
    )
    return render(request, "matching/members/tasks.html", {"page": page, "mine": mine})


@login_required
def task_detail(request, pk: int):
    task = get_object_or_404(scoping.tasks_for(request.user).select_related("community"), pk=pk)
    entry = SignUp.objects.filter(member__user=request.user, task=task, status__in=SignUp.LIVE).first()
    if request.method == "POST":
        try:
            if "cancel" in request.POST and entry is not None:
                volunteering.cancel_sign_up(by=request.user, sign_up=entry)
                messages.success(request, _("Your sign-up is cancelled."))
            else:
                volunteering.sign_up(by=request.user, task=task)
                messages.success(request, _("You are signed up. Please arrive on time."))
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("members_task", pk=task.pk)
    return render(
        request,
        "matching/members/task.html",
        {
            "task": task,
            "entry": entry,
            "can_sign_up": entry is None and scoping.can_sign_up(request.user, task),
        },
    )


@login_required
def my_hours(request):
    entries = (
        scoping.sign_ups_for(request.user)
        .filter(member__user=request.user)
        .select_related("task", "task__community")
        .order_by("-task__starts_at")
    )
    total = entries.filter(status=SignUp.Status.CONFIRMED).aggregate(total=Sum("hours"))["total"] or 0
    page = Paginator(entries, PAGE).get_page(request.GET.get("page"))
    return render(request, "matching/members/hours.html", {"page": page, "total": total})


@login_required
def my_commitment(request):
    report = scoping.own_member_report(request.user)
    if report is None:
        return redirect("members_register")
    form = CommitmentForm(request.POST or None, initial={"commitment": report.commitment})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member_commitment(
                by=request.user, report=report, commitment=form.cleaned_data["commitment"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your commitment is saved."))
            return redirect("members_commitment")
    return render(request, "matching/members/commitment.html", {"report": report, "form": form})


@login_required
def unit_members(request):
    """A unit's liaison: its members' reporting and confirmed hours (双向反馈), names and phones, never addresses."""
    units = scoping.scope_of(request.user).liaison_unit_ids
    if not units:
        raise Http404
    reports = (
        scoping.member_reports_for(request.user)
        .filter(unit_id__in=units)
        .select_related("community", "unit")
        .annotate(
            hours_served=Sum("sign_ups__hours", filter=Q(sign_ups__status=SignUp.Status.CONFIRMED)),
            tasks_served=Count("sign_ups", filter=Q(sign_ups__status=SignUp.Status.CONFIRMED)),
        )
        .order_by("community__area_code", "name", "pk")
    )
    page = Paginator(reports, PAGE).get_page(request.GET.get("page"))
    masking.mask_member_reports(request.user, page.object_list)
    return render(request, "matching/members/unit.html", {"page": page})


@login_required
def task_live(request, pk: int):
    """The secretary's live count of sign-ups (polled by static/js/signups_live.js)."""
    task = get_object_or_404(scoping.tasks_to_manage(request.user), pk=pk)
    return JsonResponse(
        {
            "signed_up": task.signed_up_count,
            "wanted": task.people_wanted,
            "full": task.is_full,
            "status": task.status,
        }
    )


@login_required
@require_POST
def task_mobilise(request, pk: int):
    task = get_object_or_404(scoping.tasks_to_manage(request.user), pk=pk)
    count = volunteering.mobilise(by=request.user, task=task, street_wide="street" in request.POST)
    messages.success(request, _("%(count)s members were notified.") % {"count": count})
    return redirect("admin:matching_communitytask_change", task.pk)
