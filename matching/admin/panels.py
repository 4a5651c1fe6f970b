"""The admin home page's panels: this year's figures, what needs action, topics to decide, meeting compliance."""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, Project
from config.admin.site import admin_site
from matching import meetings, scoping
from matching.models import CommitteeFigures, Decision, Evaluation, Proposal, Publication
from matching.outcomes import evaluation, periods, projects, readable, results


def _root_committees(user):
    """The committees at the top of the user's subtree (a secretary's own committee), at most three."""
    scope = scoping.scope_of(user)
    if scope.is_superuser:
        return list(Committee.objects.filter(level="district").order_by("area_code")[:3])
    return list(Committee.objects.filter(area_code__in=scope.read_codes).order_by("area_code")[:3])


def figures_panel(request):
    roots = _root_committees(request.user)
    if not roots:
        return None
    year = periods.parse(str(timezone.localdate().year))
    stored = {
        row.committee_id: row for row in CommitteeFigures.objects.filter(committee__in=roots, period=year.key)
    }
    blocks = []
    for committee in roots:
        blocks.append(
            {
                "committee": committee,
                "figures": results.figures_dict(stored.get(committee.pk)),
                "url": reverse("results_page", args=[committee.pk, year.key]),
            }
        )
    return {
        "title": _("Figures this year"),
        "figures_blocks": blocks,
        "chart_data": {"trend": readable.mark_unfinished(results.trend(roots[0], year)), "units": []},
        "empty": _("No figures yet: they are computed every night."),
    }


def action_panel(request):
    user = request.user
    scope = scoping.scope_of(user)
    if not scope.manages_anything:
        return None
    managed = scoping.scoped(
        Project, user, lambda s: scoping.prefix_q("committee__area_code", s.manage_codes)
    )
    rows = []
    late = projects.late(managed).select_related("committee").order_by("ends_on")
    for project in late[:10]:
        rows.append(
            (
                _("Late: %(title)s (%(committee)s, planned end %(end)s) — complete or carry over")
                % {
                    "title": project.title,
                    "committee": project.committee.name,
                    "end": project.ends_on.isoformat(),
                },
                reverse("project_detail", args=[project.pk]),
            )
        )
    if len(rows) == 10 and (more := late.count() - 10):
        rows.append((_("… and %(count)d more late projects") % {"count": more}, None))
    window_start = timezone.now() - datetime.timedelta(days=evaluation.window_days())
    awaiting = (
        managed.filter(status=Project.Status.COMPLETED, completed_at__gt=window_start)
        .annotate(ratings=Count("evaluations"))
        .filter(ratings__lt=len(Evaluation.Side.values))
        .count()
    )
    if awaiting:
        rows.append(
            (_("%(count)d completed projects still wait for an evaluation") % {"count": awaiting}, None)
        )
    last_month = periods.parse(f"{(timezone.localdate().replace(day=1) - datetime.timedelta(days=1)):%Y-%m}")
    for committee in _root_committees(user):
        if (
            scoping.manages_committee(user, committee)
            and not Publication.objects.filter(committee=committee, period=last_month.key).exists()
        ):
            rows.append(
                (
                    _("%(committee)s: the results of %(period)s are not published yet")
                    % {"committee": committee.name, "period": last_month.label},
                    reverse("results_page", args=[committee.pk, last_month.key]),
                )
            )
    return {
        "title": _("Projects and results needing action"),
        "rows": rows,
        "empty": _("Nothing waits for you."),
    }


def topics_panel(request):
    waiting = scoping.proposals_for(request.user).filter(
        committee__in=scoping.committees_to_manage(request.user),
        status__in=[Proposal.Status.PROPOSED, Proposal.Status.ACCEPTED],
        committee_decision=Decision.PENDING,
    )
    # Ready to decide (both sides accepted) apart from those still waiting on the units' answers.
    counts = dict(waiting.values_list("status").annotate(n=Count("pk")).order_by().values_list("status", "n"))
    ready, on_units = counts.get(Proposal.Status.ACCEPTED, 0), counts.get(Proposal.Status.PROPOSED, 0)
    url = reverse("admin:matching_proposal_changelist") + "?committee_decision__exact=pending"
    rows = []
    if ready:
        rows.append(
            (
                _("%(count)d topics are ready to decide: both sides accepted") % {"count": ready},
                url + "&status__exact=accepted",
            )
        )
    if on_units:
        rows.append(
            (
                _("%(count)d topics still wait for the units' answers") % {"count": on_units},
                url + "&status__exact=proposed",
            )
        )
    return {
        "title": _("Needing action"),
        "rows": rows,
        "empty": _("No topic waits for a decision."),
    }


def compliance_panel(request):
    behind = meetings.committees_behind(scoping.committees_for(request.user).exclude(level="community"))
    rows = [
        (
            _("%(committee)s: %(count)d plenary meeting(s) this year (at least two)")
            % {"committee": committee.name, "count": committee.plenaries},
            reverse("admin:matching_meeting_add") + f"?committee={committee.pk}&kind=plenary",
        )
        for committee in behind[:20]
    ]
    if len(rows) == 20 and (more := behind.count() - 20):
        rows.append((_("… and %(count)d more committees") % {"count": more}, None))
    return {
        "title": _("Meeting compliance"),
        "rows": rows,
        "empty": _("Every committee has held its two plenary meetings this year."),
    }


# The home page shows the panels in this order.
admin_site.register_panel(figures_panel, order=10)
admin_site.register_panel(action_panel, order=20)
admin_site.register_panel(topics_panel, order=30)
admin_site.register_panel(compliance_panel, order=40)
