"""Deliberate: each proposal is a topic (议题) of its deciding committee. Both sides accept or decline; the
committee approves by its rules of procedure (the secretary alone, an online vote, or a meeting decision).
When both sides accepted and the committee approved, the topic is confirmed as a project (confirm.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import notifications
from committees.models import Need, Resource
from committees.models.lists import ListRecord
from config.exceptions import InvalidTransition
from matching import scoping

from ..models import Answer, Comment, Decision, MatchingRun, Proposal, RulesOfProcedure, Vote
from . import confirm

DEFAULT_RULES = RulesOfProcedure(approval=RulesOfProcedure.Approval.SECRETARY)


def rules_of(committee) -> RulesOfProcedure:
    return RulesOfProcedure.objects.filter(committee=committee).first() or DEFAULT_RULES


RULES_FIELDS = {"approval", "quorum_percent", "majority_percent", "decision_days", "response_days", "text"}


def set_rules(*, committee, by, **fields) -> RulesOfProcedure:
    """Adopt or amend a committee's rules of procedure (议事规则); topics already open keep their deadlines."""
    unknown = set(fields) - RULES_FIELDS
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    scoping.require_manages_committee(by, committee)
    with transaction.atomic():
        rules = RulesOfProcedure.objects.select_for_update().filter(committee=committee).first()
        rules = rules or RulesOfProcedure(committee=committee)
        for name, value in fields.items():
            setattr(rules, name, value)
        rules.full_clean()
        rules.save()
    return rules


def decision_days(committee_ids) -> dict[int, int]:
    """Days each committee gives itself to decide a topic (its rules, or the default)."""
    committee_ids = set(committee_ids)
    days = dict(
        RulesOfProcedure.objects.filter(committee_id__in=committee_ids).values_list(
            "committee_id", "decision_days"
        )
    )
    return {pk: days.get(pk, DEFAULT_RULES.decision_days) for pk in committee_ids}


def notify_new_topics(run_id: int) -> int:
    """Tell each unit's liaisons how many new proposals wait for their answer (one message per unit)."""
    counts: dict[int, int] = {}
    first: dict[int, int] = {}  # a unit with one proposal is sent straight to it
    rows = Proposal.objects.filter(run_id=run_id, status=Proposal.Status.PROPOSED).values_list(
        "pk", "need__owner_unit_id", "provider_unit_id"
    )
    for pk, need_unit, provider_unit in rows:
        for unit_id in {need_unit, provider_unit} - {None}:
            counts[unit_id] = counts.get(unit_id, 0) + 1
            first.setdefault(unit_id, pk)
    told = 0
    run = MatchingRun(pk=run_id)
    for unit_id, count in counts.items():
        # About the run: marked done for a unit once it has answered all of the run's proposals (answer()).
        told += notifications.notify(
            notifications.liaisons_of([unit_id]),
            _("%(count)d new proposed pairing(s) wait for your unit's answer.") % {"count": count},
            reverse("proposal_answer", args=[first[unit_id]]) if count == 1 else reverse("home") + "#todos",
            about=run,
        )
    # Where the members vote online, they must act too.
    voting = (
        RulesOfProcedure.objects.filter(
            approval=RulesOfProcedure.Approval.VOTE,
            committee__proposals__run_id=run_id,
        )
        .values_list("committee_id", flat=True)
        .distinct()
    )
    for committee_id in voting:
        told += notifications.notify(
            notifications.voters_of(committee_id),
            _("New topics are open for your vote."),
            reverse("topics"),
            about=run,
        )
    return told


def lock_open_topic(proposal: Proposal) -> Proposal:
    """The topic under lock, if still open. Its need and resource are locked first. The app's one lock order is
    projects, needs, resources, topics: a cancellation locks its project and then its records, a withdrawal or an
    expiry its record and then the record's topics, a confirmation the records and then the topic (the project it
    creates is new), so that no two of them wait on each other in a circle."""
    confirm.lock_records(proposal.pk)
    locked = (
        Proposal.objects.select_for_update(of=("self",))  # not the joined rows: resource may be an outer join
        .select_related("need", "resource", "committee")
        .get(pk=proposal.pk)
    )
    if locked.status not in Proposal.OPEN_STATUSES:
        raise InvalidTransition(
            _("This topic is already closed (%(status)s).") % {"status": locked.get_status_display()}
        )
    return locked


def answer(proposal: Proposal, *, by, accept: bool, reason: str = "", side: str | None = None) -> Proposal:
    """One side ("need" or "provider") accepts or declines. A decline (with a reason) ends the topic; its quantity
    is free again and the pair is penalised in later runs."""
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Say why your unit declines.")})
    with transaction.atomic():
        proposal = lock_open_topic(proposal)
        side = scoping.require_side(by, proposal, side)
        field = "need_side" if side == "need" else "provider_side"
        setattr(proposal, field, Answer.ACCEPTED if accept else Answer.DECLINED)
        if not accept:
            proposal.status = Proposal.Status.DECLINED
            proposal.reason = reason.strip()
            proposal.decided_at = timezone.now()
        elif (
            proposal.need_side == proposal.provider_side == Answer.ACCEPTED
            and proposal.status == Proposal.Status.PROPOSED
        ):
            proposal.status = Proposal.Status.ACCEPTED
        proposal.save(update_fields=[field, "status", "reason", "decided_at"])
        _resolve_answered(proposal, side)
        _confirm_when_ready(proposal)
    return proposal


def _resolve_answered(proposal: Proposal, side: str) -> None:
    """The side has answered: its liaisons' notification about the run is done once none of the run's proposals
    waits for their unit any more; a declined topic is done for everyone."""
    unit_id = proposal.need.owner_unit_id if side == "need" else proposal.provider_unit_id
    if proposal.status == Proposal.Status.DECLINED:
        notifications.resolve(proposal)
    elif unit_id:
        notifications.resolve(proposal, users=notifications.liaisons_of([unit_id]))
    if not unit_id or not proposal.run_id:
        return
    waiting = Proposal.objects.filter(run_id=proposal.run_id, status__in=Proposal.OPEN_STATUSES).filter(
        Q(need__owner_unit_id=unit_id, need_side=Answer.PENDING)
        | Q(provider_unit_id=unit_id, provider_side=Answer.PENDING)
    )
    if not waiting.exists():
        notifications.resolve(MatchingRun(pk=proposal.run_id), users=notifications.liaisons_of([unit_id]))


def decide(proposal: Proposal, *, by, approve: bool, reason: str = "") -> Proposal:
    """The secretary's decision, where the rules let the secretary decide alone."""
    with transaction.atomic():
        proposal = lock_open_topic(proposal)
        scoping.require_manages_committee(by, proposal.committee)
        if rules_of(proposal.committee).approval != RulesOfProcedure.Approval.SECRETARY:
            raise InvalidTransition(
                _("By this committee's rules of procedure, topics are not approved by the secretary alone.")
            )
        apply_decision(proposal, Decision.APPROVED if approve else Decision.REJECTED, reason)
        proposal.refresh_from_db()  # confirm.confirm may have made it a project meanwhile
    return proposal


def apply_decision(proposal: Proposal, decision: str, reason: str = "") -> None:
    if decision == Decision.REJECTED and not reason.strip():
        raise ValidationError({"reason": _("Give the reason the topic is not adopted.")})
    proposal.committee_decision = decision
    if decision == Decision.APPROVED:
        proposal.status = (
            Proposal.Status.APPROVED if proposal.status == Proposal.Status.PROPOSED else proposal.status
        )
    elif decision == Decision.REJECTED:
        proposal.status = Proposal.Status.REJECTED
        proposal.reason = reason.strip()
        proposal.decided_at = timezone.now()
    elif decision == Decision.DEFERRED:
        proposal.reason = reason.strip()
    proposal.save(update_fields=["committee_decision", "status", "reason", "decided_at"])
    _confirm_when_ready(proposal)


def _confirm_when_ready(proposal: Proposal) -> None:
    if (
        proposal.need_side == Answer.ACCEPTED
        and proposal.provider_side == Answer.ACCEPTED
        and proposal.committee_decision == Decision.APPROVED
        and proposal.status in Proposal.OPEN_STATUSES
    ):
        confirm.confirm(proposal.pk)


# --- Online deliberation -------------------------------------------------------------------------------------------


def comment(proposal: Proposal, *, by, text: str) -> Comment:
    if not text.strip():
        raise ValidationError({"text": _("Write the comment.")})
    if not scoping.can_comment(by, proposal):
        raise PermissionDenied
    return Comment.objects.create(proposal=proposal, user=by, text=text.strip())


def vote(proposal: Proposal, *, by, choice: str) -> Proposal:
    """A seat holder's vote; once the quorum is reached the majority decides the topic."""
    if choice not in Vote.Choice.values:
        raise ValidationError({"choice": _("Choose for, against or abstain.")})
    with transaction.atomic():
        proposal = lock_open_topic(proposal)
        if not scoping.can_vote(by, proposal.committee):
            raise PermissionDenied
        rules = rules_of(proposal.committee)
        if rules.approval != RulesOfProcedure.Approval.VOTE:
            raise InvalidTransition(_("This committee does not decide topics by an online vote."))
        if proposal.committee_decision != Decision.PENDING:
            raise InvalidTransition(_("The committee has already decided this topic."))
        try:
            with transaction.atomic():
                Vote.objects.create(proposal=proposal, user=by, choice=choice)
        except IntegrityError as error:
            raise ValidationError(_("You have already voted on this topic.")) from error
        tally = vote_tally(proposal)
        if tally["quorum_reached"]:
            decision = Decision.APPROVED if tally["majority_for"] else Decision.REJECTED
            reason = "" if tally["majority_for"] else _("Rejected by the online vote.")
            apply_decision(proposal, decision, reason)
    return proposal


def vote_tally(proposal: Proposal) -> dict:
    rules = rules_of(proposal.committee)
    seats = len(notifications.voters_of(proposal.committee_id))
    choices = list(proposal.votes.values_list("choice", flat=True))
    cast, votes_for = len(choices), choices.count(Vote.Choice.FOR)
    return {
        "seats": seats,
        "cast": cast,
        "for": votes_for,
        "against": choices.count(Vote.Choice.AGAINST),
        "abstain": choices.count(Vote.Choice.ABSTAIN),
        "quorum_reached": seats > 0 and cast * 100 >= rules.quorum_percent * seats,
        "majority_for": cast > 0 and votes_for * 100 > rules.majority_percent * cast,
    }


# --- Scheduled: topics undecided past their date expire ----------------------------------------------------------


def expire_undecided(now=None) -> int:
    """Open topics past their decide-by date expire; their quantity is free for the next run. Idempotent."""
    now = now or timezone.now()
    return Proposal.objects.filter(status__in=Proposal.OPEN_STATUSES, expires_at__lt=now).update(
        status=Proposal.Status.EXPIRED, decided_at=now
    )


# --- Topics on records that left the lists ---------------------------------------------------------------------

DEAD_STATUSES = (ListRecord.Status.WITHDRAWN, ListRecord.Status.EXPIRED)


def close_topics_of_record(record: Need | Resource, by, reason: str) -> int:
    """A need or resource left the lists (withdrawn or expired): its open topics expire with the reason, in the
    transaction that changed the record (registered in committees.services.records.RECORD_CLOSERS by
    MatchingConfig.ready()), and both sides' liaisons are told; the one who acted knows already. Returns how many
    closed. The caller holds the record's row lock, so topics are locked after it, as lock_open_topic does."""
    side = "need" if isinstance(record, Need) else "resource"
    topics = list(
        Proposal.objects.select_for_update(of=("self",))
        .filter(**{side: record}, status__in=Proposal.OPEN_STATUSES)
        .select_related("need", "resource", "provider_unit")
        .order_by("pk")
    )
    if not topics:
        return 0
    why = _("“%(title)s” left the lists (%(status)s): %(reason)s") % {
        "title": record.title,
        "status": record.get_status_display(),
        "reason": reason,
    }
    why = why[: Proposal._meta.get_field("reason").max_length]
    Proposal.objects.filter(pk__in=[topic.pk for topic in topics]).update(
        status=Proposal.Status.EXPIRED, reason=why, decided_at=timezone.now()
    )
    for topic in topics:
        units = {topic.need.owner_unit_id, topic.provider_unit_id} - {None}
        notifications.resolve(topic)
        notifications.notify(
            [user for user in notifications.liaisons_of(units) if by is None or user.pk != by.pk],
            _("Topic closed: %(topic)s. %(reason)s") % {"topic": topic, "reason": why},
            reverse("home"),
            about=topic,
        )
    return len(topics)


def close_topics_on_dead_records() -> int:
    """The nightly sweep behind close_topics_of_record: open topics whose need or resource has left the lists (a
    matching run that read the record before it was withdrawn wrote them after) close the same way. Idempotent."""
    closed = 0
    for model, side in ((Need, "need"), (Resource, "resource")):
        dead = Proposal.objects.filter(
            status__in=Proposal.OPEN_STATUSES, **{f"{side}__status__in": DEAD_STATUSES}
        ).values_list(f"{side}_id", flat=True)
        for record_id in sorted(set(dead)):
            with transaction.atomic():
                record = model.objects.select_for_update().get(pk=record_id)
                closed += close_topics_of_record(record, None, record.status_reason)
    return closed
