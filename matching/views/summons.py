"""The department's pages for 吹哨报到 (phone first): its open summons with their deadlines counting down, and
one summons with its report, handling records and finish. Thin: each form calls one service in matching.summons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import masking
from config.exceptions import InvalidTransition
from config.todo import todos_for
from matching import photos, scoping
from matching import summons as service
from matching.forms import SummonsFinishForm, SummonsRecordForm, SummonsReportForm
from matching.models import Summons, SummonsPart

PAGE_SIZE = 20
RECORDS_SHOWN = 20


def _countdown(deadline, now) -> dict:
    """What the page shows of a deadline: due time, and hours/minutes left (negative: overdue)."""
    seconds = int((deadline - now).total_seconds())
    minutes = abs(seconds) // 60
    return {
        "at": deadline,
        "overdue": seconds < 0,
        "hours": minutes // 60,
        "minutes": minutes % 60,
    }


def _with_countdown(parts, now):
    for part in parts:
        deadline = (
            part.summons.report_due_at
            if part.status == SummonsPart.Status.SUMMONED
            else part.summons.resolve_due_at
        )
        part.countdown = _countdown(deadline, now)
        part.counts_report = part.status == SummonsPart.Status.SUMMONED
    return parts


@login_required
def summons_home(request):
    """The department's first screen: open summons, the nearest deadline first; then the finished ones."""
    if not scoping.scope_of(request.user).is_department:
        raise Http404
    now = timezone.now()
    mine = scoping.own_summons_parts(request.user).select_related("summons__committee", "department")
    open_parts = _with_countdown(
        list(
            mine.filter(status__in=SummonsPart.OPEN_STATUSES, summons__status=Summons.Status.OPEN).order_by(
                "summons__report_due_at", "pk"
            )[:100]
        ),
        now,
    )
    open_parts.sort(key=lambda part: part.countdown["at"])
    finished = mine.exclude(status__in=SummonsPart.OPEN_STATUSES, summons__status=Summons.Status.OPEN)
    page = Paginator(finished.order_by("-summons__raised_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "matching/summons_home.html",
        {
            "open_parts": open_parts,
            "page": page,
            # The shared to-do list, less its summons items (the open summons above are those).
            "other_todos": [item for item in todos_for(request.user) if item.kind != "summons"],
        },
    )


@login_required
def summons_part(request, pk: int):
    part = get_object_or_404(
        scoping.summons_parts_for(request.user).select_related("summons__committee", "department"), pk=pk
    )
    acting = scoping.can_report_for(request.user, part)
    forms = {
        "report_form": SummonsReportForm(),
        "record_form": SummonsRecordForm(),
        "finish_form": SummonsFinishForm(),
    }
    if request.method == "POST":
        if not acting:
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action not in _ACTIONS:
            messages.error(request, _("Unknown action."))
            return redirect("summons_part", pk=part.pk)
        form_name, form_class, run = _ACTIONS[action]
        form = form_class(request.POST, request.FILES)
        forms[form_name] = form
        if form.is_valid():
            try:
                run(part, request.user, form.cleaned_data)
            except (ValidationError, InvalidTransition) as error:
                for message in getattr(error, "messages", [str(error)]):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Saved."))
                return redirect("summons_part", pk=part.pk)
    [part] = _with_countdown([part], timezone.now())
    masking.apply_masks(request.user, [part])  # whom the department sends: masked to overseers
    records = list(part.records.select_related("created_by")[:RECORDS_SHOWN])
    return render(
        request,
        "matching/summons_part.html",
        {
            "part": part,
            "summons": part.summons,
            "acting": acting,
            "records": records,
            "can_report": acting and part.summons.is_open and part.can_become(SummonsPart.Status.REPORTED),
            "can_handle": acting and part.summons.is_open and part.status == SummonsPart.Status.REPORTED,
            **forms,
        },
        status=400 if request.method == "POST" else 200,
    )


def _report(part, user, data):
    service.report(
        part=part, by=user, attendee_name=data["attendee_name"], attendee_phone=data["attendee_phone"]
    )


def _record(part, user, data):
    service.record_handling(part=part, by=user, text=data["text"], photo=data.get("photo"))


def _finish(part, user, data):
    service.finish_part(part=part, by=user, done=data["outcome"] == "done", reason=data["reason"])


_ACTIONS = {
    "report": ("report_form", SummonsReportForm, _report),
    "record": ("record_form", SummonsRecordForm, _record),
    "finish": ("finish_form", SummonsFinishForm, _finish),
}


@login_required
def summons_record_photo(request, pk: int):
    """Photos are served only to those who may see the part, never from a public media folder."""
    record = get_object_or_404(scoping.summons_records_for(request.user).exclude(photo=""), pk=pk)
    try:
        kind = photos.stored_type(record.photo)
        if kind is None:
            raise Http404
        response = FileResponse(
            record.photo.open("rb"),
            content_type=kind.content_type,
            filename=f"photo-{record.pk}.{kind.extension}",
        )
    except FileNotFoundError as error:
        raise Http404 from error
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
