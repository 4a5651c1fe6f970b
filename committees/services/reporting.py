"""双报到: an organisation reports to its community with its commitments (published as the unit's resources), and
a party member reports to the community where they live, confirmed by its secretary."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import notifications, scoping
from committees.models import (
    Commitment,
    Committee,
    Level,
    MemberReport,
    Membership,
    OrganisationReport,
    Resource,
)
from committees.models.reporting import skills_value
from config.exceptions import InvalidTransition

from .records import create_record, publish_record

# --- Organisations (组织报到) -------------------------------------------------------------------------------------


def report_organisation(
    *, by, unit, community: Committee, year: int | None = None, note: str = ""
) -> OrganisationReport:
    """The unit's liaison (or a secretary acting for it) reports the unit's party organisation to a community it
    sits on, once a year."""
    if not (scoping.acts_for_unit(by, unit) or scoping.manages_unit(by, unit)):
        raise PermissionDenied
    if community.level != Level.COMMUNITY:
        raise ValidationError({"community": _("An organisation reports to a community.")})
    if not Membership.objects.current().filter(unit=unit, committee=community).exists():
        raise ValidationError({"community": _("The unit is not a current member of this community.")})
    if not scoping.acts_for_unit(by, unit):
        scoping.require_manages_committee(by, community)
    report = OrganisationReport(
        unit=unit,
        community=community,
        year=year or timezone.localdate().year,
        note=note.strip(),
        reported_by=by,
    )
    report._history_user = by
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as error:
        raise ValidationError(_("This unit has already reported to this community this year.")) from error
    return report


def add_commitment(
    *,
    by,
    report: OrganisationReport,
    category,
    title: str,
    quantity: int = 1,
    measure="sessions",
    description: str = "",
    reach="community",
) -> Commitment:
    """A public commitment (公开承诺, e.g. 每季度一次义诊): published at once as the unit's resource on the list of
    the community, available for the report's year; nothing is entered twice."""
    if not scoping.can_change(by, report):
        raise PermissionDenied
    unit = report.unit
    with transaction.atomic():
        resource = create_record(
            Resource,
            by=by,
            owner_unit=unit,
            committee=report.community,
            category=category,
            title=title,
            description=description,
            quantity=quantity,
            measure=measure,
            reach=reach,
            contact_name=unit.contact_name,
            contact_phone=unit.contact_phone,
            kind=Resource.Kind.PARTY,
            available_from=max(datetime.date(report.year, 1, 1), timezone.localdate()),
            available_until=datetime.date(report.year, 12, 31),
        )
        resource = publish_record(resource, by=by)
        return Commitment.objects.create(report=report, resource=resource)


# --- Party members (个人报到) -------------------------------------------------------------------------------------

MEMBER_FIELDS = ("name", "phone", "address", "unit", "unit_name", "skills", "availability", "commitment")


def register_member(*, by, community: Committee, skills=(), **fields) -> MemberReport:
    """A logged-in person reports to the community where they live; the community's secretaries are asked to
    confirm. One live report a person."""
    if not getattr(by, "is_authenticated", False):
        raise PermissionDenied
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if community.level != Level.COMMUNITY:
        raise ValidationError({"community": _("Report to the community where you live.")})
    if not fields.get("unit") and not (fields.get("unit_name") or "").strip():
        raise ValidationError(
            {"unit_name": _("Name your own unit (choose it, or type it if it is not listed).")}
        )
    report = MemberReport(user=by, community=community, skills=skills_value(skills), **fields)
    report.full_clean(exclude=["user"], validate_constraints=False)
    report._history_user = by
    try:
        with transaction.atomic():
            report.save()
            notifications.notify(
                notifications.secretaries_of([community.pk]),
                _("%(name)s reported to %(community)s as an in-service party member: please confirm.")
                % {"name": report.name, "community": community.name},
                "/admin/committees/memberreport/?status__exact=pending",
                about=report,
            )
    except IntegrityError as error:
        raise ValidationError(_("You have already reported to a community.")) from error
    scoping.forget_scope(by)
    return report


def register_member_account(*, username: str, password: str, community: Committee, **fields) -> MemberReport:
    """A new account and its report in one step (the community's registration page for someone without one)."""
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    with transaction.atomic():
        user = User(username=username, name=fields.get("name", ""), phone=fields.get("phone", ""))
        user.set_password(password)
        user.save()
        return register_member(by=user, community=community, **fields)


def _move(report: MemberReport, status, *, by, reason: str = "") -> MemberReport:
    with transaction.atomic():
        report = MemberReport.objects.select_for_update().get(pk=report.pk)
        if not report.can_become(status):
            raise InvalidTransition(
                _("This report cannot become “%(status)s” now.") % {"status": status.label}
            )
        report.status = status
        report.status_reason = reason.strip()
        if status == MemberReport.Status.CONFIRMED:
            report.confirmed_at = timezone.now()
            report.confirmed_by = by
        report._history_user = by
        report.save()
        notifications.resolve(report)
    return report


def confirm_member(*, by, report: MemberReport) -> MemberReport:
    """The community's secretary confirms a member's report: the member now sees and signs up for its tasks."""
    scoping.require_manages_member_report(by, report)
    report = _move(report, MemberReport.Status.CONFIRMED, by=by)
    notifications.notify(
        [report.user],
        _("Your report to %(community)s is confirmed: you can sign up for its tasks.")
        % {"community": report.community.name},
        "/members/",
    )
    return report


def reject_member(*, by, report: MemberReport, reason: str) -> MemberReport:
    scoping.require_manages_member_report(by, report)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the report is not accepted.")})
    return _move(report, MemberReport.Status.REJECTED, by=by, reason=reason)


def withdraw_member(*, by, report: MemberReport, reason: str = "") -> MemberReport:
    """The member (or the secretary) ends a report, e.g. the member moved away; their service stays counted."""
    if report.user_id != by.pk:
        scoping.require_manages_member_report(by, report)
    return _move(report, MemberReport.Status.WITHDRAWN, by=by, reason=reason)


def update_member_commitment(*, by, report: MemberReport, commitment: str) -> MemberReport:
    """The member states their own public commitment (公开承诺) for the year."""
    if report.user_id != by.pk:
        raise PermissionDenied
    with transaction.atomic():
        report = MemberReport.objects.select_for_update().get(pk=report.pk)
        report.commitment = commitment.strip()
        report.full_clean(exclude=["user"], validate_constraints=False)
        report._history_user = by
        report.save(update_fields=["commitment"])
    return report
