"""The matching pipeline's records: runs (collect → propose) and the proposals they make."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committees.models import Claim, Committee, MemberUnit, Need, Resource


class MatchingRun(models.Model):
    """One run of the matcher over a committee's subtree (or the whole city when no committee is given)."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        SECRETARY = "secretary", _("Secretary")
        API = "api", _("API")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matching_runs",
        help_text=_("The committee whose subtree is matched; empty for the whole city."),
    )
    scope_code = models.CharField(_("scope division code"), max_length=12, blank=True, editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("city run"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shards",
    )
    trigger = models.CharField(
        _("trigger"), max_length=10, choices=Trigger.choices, default=Trigger.SECRETARY
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    timings = models.JSONField(_("stage timings (s)"), default=dict, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "scope_code"], name="run_status_scope")]

    def __str__(self) -> str:
        scope = self.committee.name if self.committee_id else _("Whole city")
        return f"{scope} · {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else str(scope)

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return round((self.finished_at - self.started_at).total_seconds(), 2)
        return None


class Proposal(models.Model):
    """A proposed pairing of a need with a resource (from a run) or with a claiming unit (from a claim)."""

    class Source(models.TextChoices):
        MATCHER = "matcher", _("Matcher")
        CLAIM = "claim", _("Claim")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted by both sides")
        DECLINED = "declined", _("Declined")
        APPROVED = "approved", _("Approved by the committee")
        REJECTED = "rejected", _("Not adopted")
        CONFIRMED = "confirmed", _("Confirmed as a project")
        EXPIRED = "expired", _("Expired")

    OPEN_STATUSES = (Status.PROPOSED, Status.ACCEPTED, Status.APPROVED)

    run = models.ForeignKey(
        MatchingRun,
        verbose_name=_("run"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MATCHER)
    claim = models.OneToOneField(
        Claim,
        verbose_name=_("claim"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposal",
    )
    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="proposals")
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    provider_unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("provider unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("deciding committee"),
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text=_("The lowest committee whose subtree holds both sides."),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    score = models.FloatField(_("score"), default=0)
    score_parts = models.JSONField(_("score parts"), default=dict, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-score", "pk"]
        constraints = [
            # A redelivered or repeated stage writes nothing twice.
            models.UniqueConstraint(fields=["run", "need", "resource"], name="one_proposal_per_pair_and_run"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="proposal_quantity_positive"),
            models.CheckConstraint(
                condition=Q(resource__isnull=False) | Q(claim__isnull=False),
                name="proposal_has_resource_or_claim",
            ),
        ]
        indexes = [models.Index(fields=["need", "resource", "status"], name="proposal_pair_status")]

    def __str__(self) -> str:
        other = self.resource or self.provider_unit
        return f"{self.need} ← {other}"
