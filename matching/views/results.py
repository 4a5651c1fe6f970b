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
from matching.outcomes import periods, results

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
    return render(
        request,
        "matching/results.html",
        {
            "committee": committee,
            "period": period,
            "report": report,
            "figures": report["figures"],
            "can_publish": manages and not report["is_published"] and period.has_ended(),
            "period_choices": [periods.parse(key) for key in choices],
            "chart_data": {"trend": report["trend"], "units": report["units"][:15]},
        },
    )


@login_required
def results_export(request, committee_id: int, period: str):
    committee, period, report, _previews = _report_context(request, committee_id, period)
    figures = report["figures"]
    labels = _figure_labels()
    summary = [(label, figures.get(name)) for name, label in labels]
    units = [
        (
            row["rank"],
            row["unit"],
            row["indicator_total"],
            row["projects_completed"],
            row["ratings"],
            row["average_rating"],
            row["reputation"],
            row["resources_offered"],
            row["rounds_answered"],
        )
        for row in report["units"]
    ]
    subcommittees = [
        (
            row["rank"],
            row["committee"],
            row["resolution_rate"],
            row["satisfaction_rate"],
            row["response_rate"],
            row["needs_raised"],
            row["needs_resolved"],
        )
        for row in report["committees"]
    ]
    trend = [
        (
            row["period"],
            row.get("needs_raised"),
            row.get("response_rate"),
            row.get("resolution_rate"),
            row.get("satisfaction_rate"),
        )
        for row in report["trend"]
    ]
    title = _("%(committee)s results %(period)s") % {"committee": committee.name, "period": period.label}
    content = ledgers.build_workbook(
        _("Summary"),
        [_("Figure"), _("Value")],
        summary,
        more_sheets=[
            (_("Member units"), _unit_headers(), units),
            (_("Sub-committees"), _committee_headers(), subcommittees),
            (
                _("Monthly trend"),
                [
                    _("Month"),
                    _("Needs raised"),
                    _("Response rate (%)"),
                    _("Resolution rate (%)"),
                    _("Satisfaction rate (%)"),
                ],
                trend,
            ),
        ],
    )
    return ledgers.xlsx_response(content, ledgers.dated_filename(title))


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


def _figure_labels():
    return [
        ("needs_raised", _("Needs raised")),
        ("response_rate", _("Response rate (%)")),
        ("resolution_rate", _("Resolution rate (%)")),
        ("satisfaction_rate", _("Satisfaction rate (%)")),
        ("median_days_to_confirm", _("Median days to confirmation")),
        ("median_days_to_complete", _("Median days to completion")),
        ("participation_rate", _("Member-unit participation (%)")),
        ("compliance_rate", _("Committees with two plenaries (%)")),
    ]


def _unit_headers():
    return [
        _("Rank"),
        _("Member unit"),
        _("Indicator total"),
        _("Projects completed"),
        _("Ratings received"),
        _("Average rating"),
        _("Reputation"),
        _("Resources offered"),
        _("Rounds answered"),
    ]


def _committee_headers():
    return [
        _("Rank"),
        _("Committee"),
        _("Resolution rate (%)"),
        _("Satisfaction rate (%)"),
        _("Response rate (%)"),
        _("Needs raised"),
        _("Needs resolved"),
    ]
