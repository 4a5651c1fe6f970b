"""双报到: a member unit's party organisation reports to its community each year with its public commitments (公开
承诺, which become resources on the list), and an in-service party member (在职党员) reports to the community where
they live. A member's report is personal data (name, phone, address): see committees/masking.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import validators
from .registry import Committee, MemberUnit


class Skill(models.TextChoices):
    """The short list of what a member can offer; urgent tasks are pushed to those with the skill."""

    GENERAL = "general", _("General help")
    MEDICAL = "medical", _("Medical care")
    LEGAL = "legal", _("Legal advice")
    TEACHING = "teaching", _("Teaching and tutoring")
    ELDERLY = "elderly", _("Elderly care")
    DUTY = "duty", _("Patrol and checkpoint duty")
    FLOOD = "flood", _("Flood watch")
    EPIDEMIC = "epidemic", _("Epidemic control")
    TECH = "tech", _("Computers and phones")
    CULTURE = "culture", _("Culture and sport")


def skills_value(skills) -> str:
    """Skills stored as ',medical,legal,' so that 'has the skill' is one portable LIKE '%,medical,%'."""
    chosen = [code for code in Skill.values if code in set(skills or ())]
    return f",{','.join(chosen)}," if chosen else ""


def skills_list(value: str) -> list[str]:
    return [code for code in (value or "").split(",") if code]


def has_skill_q(skill: str, field: str = "skills") -> Q:
    return Q(**{f"{field}__contains": f",{skill},"})


class OrganisationReport(models.Model):
    """A member unit's party organisation reports to the community where it sits, once a year (组织报到)."""

    unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        related_name="organisation_reports",
    )
    community = models.ForeignKey(
        Committee, verbose_name=_("community"), on_delete=models.PROTECT, related_name="organisation_reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    note = models.CharField(
        _("note"), max_length=300, blank=True, validators=[validators.validate_single_line]
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation report")
        verbose_name_plural = _("organisation reports")
        ordering = ["-year", "community__area_code", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "community", "year"],
                name="one_organisation_report_a_year",
                violation_error_message=_("This unit has already reported to this community this year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.community} ({self.year})"


class Commitment(models.Model):
    """A public commitment (公开承诺) of an organisation report; it is published as the unit's resource, so the
    matcher and the resource list see it without anyone entering it twice."""

    report = models.ForeignKey(
        OrganisationReport,
        verbose_name=_("organisation report"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    resource = models.OneToOneField(
        "committees.Resource", verbose_name=_("resource"), on_delete=models.PROTECT, related_name="commitment"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.resource.title)


class MemberReport(models.Model):
    """An in-service party member's report to the community where they live (个人报到); personal data."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Not accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.PENDING: {Status.CONFIRMED, Status.REJECTED, Status.WITHDRAWN},
        Status.CONFIRMED: {Status.WITHDRAWN},
        Status.REJECTED: set(),
        Status.WITHDRAWN: set(),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="member_reports",
    )
    community = models.ForeignKey(
        Committee, verbose_name=_("community"), on_delete=models.PROTECT, related_name="member_reports"
    )
    name = models.CharField(_("full name"), max_length=50, validators=[validators.validate_single_line])
    phone = models.CharField(_("phone"), max_length=30, validators=[validators.validate_phone])
    address = models.CharField(
        _("home address"), max_length=200, blank=True, validators=[validators.validate_single_line]
    )
    unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("own unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="member_reports",
        help_text=_("The member unit where the member works, if it is one."),
    )
    unit_name = models.CharField(
        _("own unit (if not a member unit)"),
        max_length=200,
        blank=True,
        validators=[validators.validate_single_line],
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    availability = models.CharField(
        _("times available"), max_length=200, blank=True, validators=[validators.validate_single_line]
    )
    commitment = models.TextField(
        _("public commitment"), max_length=1000, blank=True, validators=[validators.validate_text]
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party member report")
        verbose_name_plural = _("party member reports")
        ordering = ["community__area_code", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "status"], name="member_report_community"),
            models.Index(fields=["unit", "status"], name="member_report_unit"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["pending", "confirmed"]),
                name="one_live_member_report_per_person",
                violation_error_message=_("You have already reported to a community."),
            ),
        ]

    def __str__(self) -> str:
        # no name here: __str__ reaches titles, logs and choices where masking does not look
        return f"{self.community} · #{self.pk}"

    @property
    def skill_codes(self) -> list[str]:
        return skills_list(self.skills)

    @property
    def skill_labels(self) -> str:
        return "、".join(str(Skill(code).label) for code in self.skill_codes)

    @property
    def workplace(self) -> str:
        return self.unit.name if self.unit_id else self.unit_name

    def can_become(self, status) -> bool:
        return status in self.TRANSITIONS[self.status]
