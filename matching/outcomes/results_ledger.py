"""The published results as a ledger (xlsx): the figures, the ranked member units and sub-committees, the trend."""

from django.utils.translation import gettext as _

from committees import ledgers


def results_workbook(committee, period, report: dict) -> tuple[bytes, str]:
    """The workbook of a committee's results for a period, and its file name."""
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
    departments = [
        (
            row["rank"],
            row["department"],
            row["summons_received"],
            row["on_time_rate"],
            row["resolution_rate"],
            row["satisfaction_rate"],
            row["median_hours_to_report"],
            row["median_hours_to_resolve"],
        )
        for row in report.get("departments", [])
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
            (_("Departments"), _department_headers(), departments),
        ],
    )
    return content, ledgers.dated_filename(title)


def _figure_labels():
    return [
        ("needs_raised", _("Needs raised")),
        ("response_rate", _("Response rate (%)")),
        ("resolution_rate", _("Resolution rate (%)")),
        ("satisfaction_rate", _("Satisfaction rate (%)")),
        ("resident_satisfaction_rate", _("Residents' satisfaction rate (%)")),
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


def _department_headers():
    return [
        _("Rank"),
        _("Department"),
        _("Summons received"),
        _("Reported on time (%)"),
        _("Handled (%)"),
        _("Satisfaction rate (%)"),
        _("Median hours to report"),
        _("Median hours to handle"),
    ]
