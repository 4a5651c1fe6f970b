"""Residents' submissions to a community (民事民提): what they need, where, and a phone number to call back.

Personal data (the phone, the name, the place) is seen in full by the community's secretaries only; the resident
follows the submission by a private, unguessable link (`token`), never with an account."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import validators
from .lists import Need
from .registry import Committee

TEXT_MAX_LENGTH = 500


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Submission(models.Model):
    """A resident's need as they wrote it; the secretary accepts it onto the needs list, merges it into an open
    need, or declines it with a reason."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted onto the needs list")
        MERGED = "merged", _("Merged into a need on the list")
        DECLINED = "declined", _("Declined")

    HANDLED = (Status.ACCEPTED, Status.MERGED, Status.DECLINED)

    committee = models.ForeignKey(
        Committee, verbose_name=_("community"), on_delete=models.PROTECT, related_name="submissions"
    )
    text = models.TextField(
        _("what is needed"), max_length=TEXT_MAX_LENGTH, validators=[validators.validate_text]
    )
    place = models.CharField(
        _("where"), max_length=100, blank=True, validators=[validators.validate_single_line]
    )
    name = models.CharField(
        _("resident's name"), max_length=20, blank=True, validators=[validators.validate_single_line]
    )
    phone = models.CharField(_("resident's phone"), max_length=30, validators=[validators.validate_phone])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED, editable=False
    )
    need = models.ForeignKey(
        Need,
        verbose_name=_("need on the list"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        editable=False,
    )
    decline_reason = models.CharField(
        _("reason for declining"), max_length=200, blank=True, validators=[validators.validate_single_line]
    )
    # The private follow-up link's secret; the address is kept only as a keyed hash, to count submissions.
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    address_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    tokens = models.TextField(blank=True, editable=False)  # the matcher's words, for likely duplicates
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True, editable=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    history = HistoricalRecords(excluded_fields=["token", "address_hash", "tokens"])

    class Meta:
        verbose_name = _("resident submission")
        verbose_name_plural = _("resident submissions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["phone", "created_at"], name="submission_phone_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["accepted", "merged"], need__isnull=False)
                | Q(status__in=["received", "declined"], need__isnull=True),
                name="submission_need_when_taken",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined", decline_reason=""), name="submission_declined_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.created_at:%Y-%m-%d} · {self.get_status_display()}"

    @property
    def summary(self) -> str:
        return self.text[:40]
