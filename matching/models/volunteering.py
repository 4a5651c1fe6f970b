"""Community tasks (社区任务 / 微心愿) for reported party members: a task asks for a number of people with skills at a
date and place; members sign up (never more than asked, a database constraint under row locks), are checked in
by the community, and their hours count once the community confirms them."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committees import validators
from committees.models import Committee, MemberReport, Need
from committees.models.reporting import Skill, skills_list


class CommunityTask(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Open for sign-up")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey(
        Committee, verbose_name=_("community"), on_delete=models.PROTECT, related_name="community_tasks"
    )
    title = models.CharField(_("task"), max_length=100, validators=[validators.validate_single_line])
    description = models.TextField(
        _("description"), max_length=2000, blank=True, validators=[validators.validate_text]
    )
    place = models.CharField(_("place"), max_length=200, validators=[validators.validate_single_line])
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    people_wanted = models.PositiveSmallIntegerField(
        _("people wanted"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    signed_up_count = models.PositiveSmallIntegerField(_("signed up"), default=0, editable=False)
    filled_at = models.DateTimeField(_("filled at"), null=True, blank=True, editable=False)
    skill = models.CharField(_("skill wanted"), max_length=20, choices=Skill.choices, blank=True)
    urgent = models.BooleanField(_("urgent (mobilisation)"), default=False)
    street_wide = models.BooleanField(
        _("open to the whole street"),
        default=False,
        help_text=_("Members reported anywhere in the street see it."),
    )
    need = models.ForeignKey(
        Need,
        verbose_name=_("from the need"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_tasks",
        help_text=_("A need of the community that asks for people, published as a task."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("community task")
        verbose_name_plural = _("community tasks")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["community", "starts_at"], name="task_community_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_up_count__lte=F("people_wanted")),
                name="task_never_over_filled",
                violation_error_message=_("The task already has the number of people it asked for."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="task_ends_after_start",
                violation_error_message=_("The task must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_full(self) -> bool:
        return self.signed_up_count >= self.people_wanted

    @property
    def places_left(self) -> int:
        return max(self.people_wanted - self.signed_up_count, 0)

    @property
    def planned_hours(self) -> Decimal:
        seconds = (self.ends_at - self.starts_at).total_seconds()
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.5"))

    @property
    def skill_codes(self) -> list[str]:
        return skills_list(f",{self.skill},")


class SignUp(models.Model):
    """A member's sign-up for a task; the hours are the service record, counted only once confirmed."""

    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", _("Signed up")
        CHECKED_IN = "checked_in", _("Checked in")
        CONFIRMED = "confirmed", _("Hours confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    LIVE = ("signed_up", "checked_in", "confirmed")

    task = models.ForeignKey(
        CommunityTask, verbose_name=_("task"), on_delete=models.PROTECT, related_name="sign_ups"
    )
    member = models.ForeignKey(
        MemberReport, verbose_name=_("party member"), on_delete=models.PROTECT, related_name="sign_ups"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SIGNED_UP)
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True, editable=False)
    hours = models.DecimalField(
        _("hours served"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    confirmed_at = models.DateTimeField(_("hours confirmed at"), null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hours confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["member", "status"], name="signup_member_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "member"],
                condition=Q(status__in=["signed_up", "checked_in", "confirmed"]),
                name="one_live_sign_up_per_member_and_task",
                violation_error_message=_("You have already signed up for this task."),
            ),
            models.CheckConstraint(
                condition=Q(status="confirmed", hours__isnull=False, confirmed_at__isnull=False)
                | (~Q(status="confirmed") & Q(hours__isnull=True)),
                name="signup_hours_only_when_confirmed",
                violation_error_message=_("Hours are recorded only when the community confirms them."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.task}"
