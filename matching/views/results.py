"""Published results (通报): per committee and period, rankings, trend charts, an xlsx export and a printable
page; secretaries preview and publish. Thin: matching.results builds and freezes the report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import ledgers
from matching import scoping
from matching.forms import PublishForm
from matching.models import Publication
from matching.outcomes import periods, readable, results, results_ledger

PAGE_SIZE = 30


@login_required
def results_index(request):
    committees = (
        scoping.result_committees(request.user)
        .order_by("area_code")
        .prefetch_related(Prefetch("publications", queryset=Publication.objects.order_by("-period")))
    )
    page = Paginator(committees, PAGE_SIZE).get_page(request.GET.get("page"))
    previewable = set(
        scoping.preview_committees(request.user)
        .filter(pk__in=[committee.pk for committee in page])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "matching/results_index.html",
        {"page": page, "previewable": previewable, "this_year": str(timezone.localdate().year)},
    )


def _report_context(request, committee_id: int, period_key: str):
    committee = get_object_or_404(scoping.result_committees(request.user), pk=committee_id)
    try:
        period = periods.parse(period_key)
    except periods.InvalidPeriod as error:
        raise Http404 from error
    report = results.report(committee, period)
    previews = scoping.previews_results(request.user, committee)
    if not report["is_published"] and not previews:
        raise Http404
    return committee, period, report, previews


@login_required
def results_page(request, committee_id: int, period: str):
    committee, period, report, previews = _report_context(request, committee_id, period)
    manages = scoping.manages_committee(request.user, committee)
    published = list(committee.publications.order_by("-period").values_list("period", flat=True))
    choices = sorted(
        {*published, *(p.key for p in periods.current())} if previews else set(published), reverse=True
    )
    report = dict(report)
    units = readable.mark_ties([dict(row) for row in report["units"]])
    sub_committees, empty_committees = readable.split_empty_committees(
        [dict(r) for r in report["committees"]]
    )
    trend = readable.mark_unfinished(report["trend"])
    report.update(units=units, committees=sub_committees, trend=trend)
    return render(
        request,
        "matching/results.html",
        {
            "committee": committee,
            "period": period,
            "report": report,
            "empty_committees": empty_committees,
            "figures": report["figures"],
            "can_publish": manages and not report["is_published"] and period.has_ended(),
            "period_choices": [periods.parse(key) for key in choices],
            "chart_data": {"trend": report["trend"], "units": report["units"][:15]},
        },
    )


@login_required
def results_export(request, committee_id: int, period: str):
    committee, period, report, _previews = _report_context(request, committee_id, period)
    content, filename = results_ledger.results_workbook(committee, period, report)
    return ledgers.xlsx_response(content, filename)


@login_required
def results_publish(request, committee_id: int, period: str):
    committee = get_object_or_404(scoping.committees_to_manage(request.user), pk=committee_id)
    try:
        period = periods.parse(period)
    except periods.InvalidPeriod as error:
        raise Http404 from error
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            results.publish(committee=committee, period=period, by=request.user)
        except PermissionDenied:
            raise
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Published: the results of %(period)s are frozen.") % {"period": period.label}
            )
            return redirect("results_page", committee_id=committee.pk, period=period.key)
    return render(
        request, "matching/results_publish.html", {"committee": committee, "period": period, "form": form}
    )
