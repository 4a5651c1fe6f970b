"""双报到 ledgers: the roster of reported party members (报到名册) and the service-hours ledger (服务时长台账).
Names, phones and addresses are masked; in full only with a purpose, on the rows the user may see in full
(masking.in_full), and every such export is logged (PIPL), as the contact ledgers do."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees import masking, scoping
from committees.models import MemberReport
from committees.models.reporting import Skill

from .exports import _log_export, _required_purpose
from .workbook import build_workbook, dated_filename, xlsx_response

ROSTER_NAME = gettext_lazy("Party member roster")
HOURS_NAME = gettext_lazy("Service hours ledger")


def _full_ids(user, member_ids, in_full: bool) -> set[int]:
    if not in_full:
        return set()
    return set(masking.in_full(user, MemberReport).filter(pk__in=member_ids).values_list("pk", flat=True))


def _person(report, full: set[int], field: str):
    value = getattr(report, field)
    return value if report.pk in full else masking.mask_value(field, value)


def roster_ledger(user, reports, *, in_full: bool) -> tuple[bytes, int]:
    """报到名册 of the reports given (already scoped by the caller's queryset)."""
    reports = list(reports.select_related("community", "unit").order_by("community__area_code", "name", "pk"))
    full = _full_ids(user, [r.pk for r in reports], in_full)
    skills = {code: str(label) for code, label in Skill.choices}
    statuses = {code: str(label) for code, label in MemberReport.Status.choices}
    field = MemberReport._meta.get_field
    headers = [
        field(n).verbose_name
        for n in (
            "community",
            "name",
            "phone",
            "address",
            "unit",
            "skills",
            "availability",
            "status",
            "confirmed_at",
        )
    ]
    rows = (
        [
            r.community.name,
            _person(r, full, "name"),
            _person(r, full, "phone"),
            _person(r, full, "address"),
            r.workplace,
            "、".join(skills[c] for c in r.skill_codes if c in skills),
            r.availability,
            statuses.get(r.status, r.status),
            timezone.localdate(r.confirmed_at) if r.confirmed_at else None,
        ]
        for r in reports
    )
    return build_workbook(str(ROSTER_NAME), [str(h) for h in headers], rows), len(reports)


def hours_ledger(user, sign_ups, *, in_full: bool) -> tuple[bytes, int]:
    """服务时长台账: one row per sign-up given (already scoped), hours only where the community confirmed them."""
    entries = list(
        sign_ups.select_related("member", "member__unit", "task", "task__community").order_by(
            "task__starts_at", "pk"
        )
    )
    full = _full_ids(user, {e.member_id for e in entries}, in_full)
    headers = [
        _("community"),
        _("party member"),
        _("own unit"),
        _("task"),
        _("date"),
        _("status"),
        _("hours served"),
        _("hours confirmed at"),
    ]
    rows = (
        [
            e.task.community.name,
            _person(e.member, full, "name"),
            e.member.workplace,
            e.task.title,
            timezone.localdate(e.task.starts_at),
            e.get_status_display(),
            float(e.hours) if e.hours is not None else None,
            timezone.localdate(e.confirmed_at) if e.confirmed_at else None,
        ]
        for e in entries
    )
    return build_workbook(str(HOURS_NAME), [str(h) for h in headers], rows), len(entries)


def ledger_response(user, queryset, *, purpose: str | None = None, filters: str = "") -> HttpResponse:
    """The roster (member reports) or the hours ledger (sign-ups): masked, or in full with a logged purpose."""
    is_roster = queryset.model is MemberReport
    build, name = (roster_ledger, ROSTER_NAME) if is_roster else (hours_ledger, HOURS_NAME)
    if purpose is None:
        content, _rows = build(user, queryset, in_full=False)
    else:
        if not scoping.scope_of(user).manages_anything:
            raise PermissionDenied
        purpose = _required_purpose(purpose)
        content, rows = build(user, queryset, in_full=True)
        _log_export(user, queryset.model, purpose=purpose, rows=rows, filters=filters)
    return xlsx_response(content, dated_filename(str(name)))
