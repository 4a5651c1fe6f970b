"""Residents judge (民事民评): their ratings of completed projects and the satisfaction surveys of a community or
street. Kept apart from the units' two-way evaluation; no phone number is stored, only a keyed hash of it (one
rating per phone and project), and a survey answer carries nothing that points back to the person."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committees import validators
from committees.models import Committee, Project


def new_code() -> str:
    """Eight characters a resident can type: no 0/O or 1/I."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


def new_token() -> str:
    return secrets.token_urlsafe(16)


class RatingCode(models.Model):
    """The code the community hands out with a completed project to the residents it served."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="rating_code"
    )
    code = models.CharField(_("rating code"), max_length=8, unique=True, default=new_code, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("residents' rating code")
        verbose_name_plural = _("residents' rating codes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.project} · {self.code}"


class RatingLink(models.Model):
    """A one-time link to rate a completed project (sent to a resident it served instead of the code)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="rating_links"
    )
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("one-time rating link")
        verbose_name_plural = _("one-time rating links")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.project} · {self.token[:6]}…"


class ResidentRating(models.Model):
    """A resident's rating of a completed project (1–5), once per phone number and project."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="resident_ratings"
    )
    phone_hash = models.CharField(max_length=64, editable=False)
    score = models.PositiveSmallIntegerField(_("rating (1–5)"), choices=[(n, str(n)) for n in range(1, 6)])
    comment = models.TextField(
        _("comment"), max_length=300, blank=True, validators=[validators.validate_text]
    )
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("resident's rating")
        verbose_name_plural = _("ratings by residents")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "phone_hash"], name="one_resident_rating_per_phone"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="resident_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.score}"


class Survey(models.Model):
    """A short satisfaction survey of the residents of a community or street (满意度调查), one public link."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="surveys"
    )
    title = models.CharField(_("title"), max_length=100, validators=[validators.validate_single_line])
    questions = models.JSONField(_("questions"), help_text=_("Each answered on a scale of 1 to 5."))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    token = models.CharField(max_length=30, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("residents' survey")
        verbose_name_plural = _("residents' surveys")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="survey_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.title}"


class SurveyAnswer(models.Model):
    """One anonymous set of answers: no phone, address, session or account is kept with it."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="answers"
    )
    scores = models.JSONField(_("answers"))
    mean = models.DecimalField(_("mean answer"), max_digits=3, decimal_places=2)
    created_on = models.DateField(_("answered on"), db_index=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["-created_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.survey} · {self.mean}"
