"""The matching pipeline's records: runs (collect → propose), the proposals they make, and their deliberation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees import validators
from committees.models import Claim, Committee, MemberUnit, Need, Project, Resource


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
        return (
            f"{scope} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"
            if self.created_at
            else str(scope)
        )

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return round((self.finished_at - self.started_at).total_seconds(), 2)
        return None


class Answer(models.TextChoices):
    PENDING = "pending", _("Not answered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Decision(models.TextChoices):
    PENDING = "pending", _("Not decided")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not adopted")
    DEFERRED = "deferred", _("Postponed")


class Proposal(models.Model):
    """A proposed pairing of a need with a resource (from a run) or with a claiming unit (from a claim).
    On the deciding committee's agenda it is a topic (议题): both sides answer, the committee decides."""

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
    # Two-way consent, then the committee's decision (议题: 讨论协商 → 确定项目).
    need_side = models.CharField(
        _("need side"), max_length=10, choices=Answer.choices, default=Answer.PENDING
    )
    provider_side = models.CharField(
        _("provider side"), max_length=10, choices=Answer.choices, default=Answer.PENDING
    )
    committee_decision = models.CharField(
        _("committee decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True, validators=[validators.validate_text])
    expires_at = models.DateTimeField(_("decide by"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )

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
        indexes = [
            models.Index(fields=["need", "resource", "status"], name="proposal_pair_status"),
            # The few proposals both sides accepted: whose contacts partners see in full (masking, every list
            # of needs or resources); without it each list read all 150,000 proposals at city scale.
            models.Index(
                fields=["need", "resource"],
                condition=Q(need_side=Answer.ACCEPTED, provider_side=Answer.ACCEPTED),
                name="proposal_both_accepted",
            ),
        ]

    def __str__(self) -> str:
        other = self.resource or self.provider_unit
        return f"{self.need} ← {other}"


class RulesOfProcedure(models.Model):
    """A committee's rules of procedure (议事规则): how its topics are approved."""

    class Approval(models.TextChoices):
        SECRETARY = "secretary", _("By the secretary")
        VOTE = "vote", _("By an online vote of the members")
        MEETING = "meeting", _("Only by a meeting decision")

    committee = models.OneToOneField(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="rules"
    )
    approval = models.CharField(
        _("approval"), max_length=10, choices=Approval.choices, default=Approval.SECRETARY
    )
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (%)"), default=50, help_text=_("Share of the voting seats that must vote.")
    )
    majority_percent = models.PositiveSmallIntegerField(
        _("majority (%)"),
        default=50,
        help_text=_("Share of the votes cast that must be for; more than this."),
    )
    decision_days = models.PositiveSmallIntegerField(
        _("days to decide"), default=30, help_text=_("A topic undecided after this many days expires.")
    )
    response_days = models.PositiveSmallIntegerField(
        _("days to respond"),
        default=7,
        help_text=_(
            "A need counts as answered in the response rate when a proposal or claim reaches it within this many days."
        ),
    )
    text = models.TextField(_("rules of procedure"), blank=True, validators=[validators.validate_text])

    class Meta:
        verbose_name = _("rules of procedure")
        verbose_name_plural = _("rules of procedure")
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_percent__lte=100, majority_percent__lte=100),
                name="rules_percentages_within_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.get_approval_display()}"


class Vote(models.Model):
    class Choice(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        ABSTAIN = "abstain", _("Abstain")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("voter"), on_delete=models.PROTECT, related_name="+"
    )
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    created_at = models.DateTimeField(_("voted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="one_vote_per_person_and_topic")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_choice_display()}"


class Comment(models.Model):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="comments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=2000, validators=[validators.validate_text])
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:50]


class Meeting(models.Model):
    """A plenary (全体会议), chair meeting (主任碰头会) or coordination meeting (专题协调会)."""

    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary meeting")
        CHAIR = "chair", _("Chair meeting")
        COORDINATION = "coordination", _("Coordination meeting")

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("meeting kind"), max_length=15, choices=Kind.choices, default=Kind.PLENARY)
    title = models.CharField(_("title"), max_length=150, validators=[validators.validate_single_line])
    held_on = models.DateField(_("date"))
    place = models.CharField(
        _("place"), max_length=150, blank=True, validators=[validators.validate_single_line]
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attendees"), blank=True, related_name="+"
    )
    minutes = models.TextField(_("minutes"), blank=True, validators=[validators.validate_text])
    is_held = models.BooleanField(
        _("held"), default=False, help_text=_("Tick once the meeting has taken place.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%Y-%m-%d})"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda"
    )
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="agenda_items"
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    note = models.CharField(_("note"), max_length=300, blank=True, validators=[validators.validate_text])

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "proposal"], name="one_agenda_item_per_topic")
        ]

    def __str__(self) -> str:
        return str(self.proposal)
