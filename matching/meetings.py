"""Meetings (会议制度): scheduling, agendas and the decisions a meeting records on its topics; compliance (every
committee holds at least two plenary meetings a year)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import notifications, scoping
from committees.models import Committee
from matching.models import AgendaItem, Decision, Meeting, Proposal
from matching.pipeline import deliberate

PLENARIES_A_YEAR = 2


def with_plenary_counts(committees: QuerySet[Committee], year: int) -> QuerySet[Committee]:
    held = Q(meetings__kind=Meeting.Kind.PLENARY, meetings__is_held=True, meetings__held_on__year=year)
    return committees.annotate(plenaries=Count("meetings", filter=held))


def committees_behind(committees: QuerySet[Committee], year: int | None = None) -> QuerySet[Committee]:
    """Committees that have held fewer than two plenary meetings this year, fewest first."""
    year = year or timezone.localdate().year
    return (
        with_plenary_counts(committees, year)
        .filter(plenaries__lt=PLENARIES_A_YEAR)
        .order_by("plenaries", "area_code")
    )


def remind_committees_behind(year: int | None = None) -> int:
    """Remind the secretaries of each committee behind; run monthly by beat."""
    year = year or timezone.localdate().year
    reminded = 0
    for committee in committees_behind(Committee.objects.all(), year).iterator(chunk_size=500):
        reminded += notifications.notify(
            notifications.secretaries_of([committee.pk]),
            _(
                "%(committee)s has held %(count)d plenary meeting(s) in %(year)d; at least two a year are required."
            )
            % {"committee": committee.name, "count": committee.plenaries, "year": year},
            reverse("admin:matching_meeting_changelist") + f"?committee={committee.pk}",
            about=committee,
        )
    return reminded


# --- Meetings, agendas, decisions ---------------------------------------------------------------------------


def schedule_meeting(
    *, committee, by, title: str, held_on, kind: str = Meeting.Kind.PLENARY, place: str = "", attendees=()
) -> Meeting:
    """A secretary schedules a meeting of a committee they manage; the attendees are told when and where."""
    scoping.require_manages_committee(by, committee)
    meeting = Meeting(
        committee=committee, kind=kind, title=title.strip(), held_on=held_on, place=place.strip()
    )
    meeting.full_clean()
    with transaction.atomic():
        meeting.save()
        meeting.attendees.set(attendees)
        notify_attendees(meeting)
    return meeting


MEETING_FIELDS = {"title", "kind", "held_on", "place", "minutes", "is_held"}


def update_meeting(meeting: Meeting, *, by, attendees=None, **fields) -> Meeting:
    """Correct a meeting, record its minutes, or mark it held (only once its date has come: its decisions take
    effect when it is held, never before)."""
    unknown = set(fields) - MEETING_FIELDS
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    scoping.require_manages_committee(by, meeting.committee_id)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        was_held = meeting.is_held
        for name, value in fields.items():
            setattr(meeting, name, value.strip() if isinstance(value, str) else value)
        if meeting.is_held and meeting.held_on > timezone.localdate():
            raise ValidationError({"is_held": _("A meeting dated in the future cannot be marked as held.")})
        if was_held and not meeting.is_held and meeting.agenda.exclude(decision=Decision.PENDING).exists():
            raise ValidationError(
                {"is_held": _("The meeting's decisions are recorded: it stays marked as held.")}
            )
        meeting.full_clean()
        meeting.save()
        if attendees is not None:
            meeting.attendees.set(attendees)
        if meeting.is_held:
            notifications.resolve(meeting)
            if (
                meeting.kind == Meeting.Kind.PLENARY
                and not committees_behind(Committee.objects.filter(pk=meeting.committee_id)).exists()
            ):
                notifications.resolve(Committee(pk=meeting.committee_id))
    return meeting


def is_held(meeting: Meeting) -> bool:
    return meeting.is_held and meeting.held_on <= timezone.localdate()


def check_agenda_topic(meeting: Meeting, proposal: Proposal) -> None:
    """A meeting deliberates the open topics of its own committee."""
    if proposal.committee_id != meeting.committee_id:
        raise ValidationError({"proposal": _("The topic is not decided by this meeting's committee.")})
    if proposal.status not in Proposal.OPEN_STATUSES:
        raise ValidationError(
            {
                "proposal": _("This topic is already closed (%(status)s).")
                % {"status": proposal.get_status_display()}
            }
        )


def check_can_decide(meeting: Meeting) -> None:
    """A meeting's decisions take effect when it is held: a meeting still to come decides nothing."""
    if not is_held(meeting):
        raise ValidationError(
            {
                "decision": _(
                    "The meeting has not been held yet: record its decisions once it has taken place and is "
                    "marked as held."
                )
            }
        )


def put_on_agenda(meeting: Meeting, *, proposal: Proposal, by) -> AgendaItem:
    """Put an open topic of the meeting's committee on its agenda, undecided."""
    scoping.require_manages_committee(by, meeting.committee)
    check_agenda_topic(meeting, proposal)
    try:
        with transaction.atomic():
            return AgendaItem.objects.create(meeting=meeting, proposal=proposal)
    except IntegrityError as error:
        raise ValidationError({"proposal": _("The topic is already on this meeting's agenda.")}) from error


def record_meeting_decision(item: AgendaItem, *, by, decision: str, note: str = "") -> AgendaItem:
    """A meeting's decision on a topic of its agenda: approve, reject (with a reason) or postpone."""
    if decision not in (Decision.APPROVED, Decision.REJECTED, Decision.DEFERRED):
        raise ValidationError({"decision": _("Choose approve, reject or postpone.")})
    with transaction.atomic():
        item = (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("meeting__committee")
            .get(pk=item.pk)
        )
        scoping.require_manages_committee(by, item.meeting.committee)
        check_can_decide(item.meeting)
        proposal = deliberate.lock_open_topic(item.proposal)
        if proposal.committee_id != item.meeting.committee_id:
            raise PermissionDenied
        item.decision, item.note = decision, note.strip()
        item.save(update_fields=["decision", "note"])
        deliberate.apply_decision(proposal, decision, note)
    return item


def notify_attendees(meeting: Meeting) -> int:
    return notifications.notify(
        meeting.attendees.all(),
        _("Meeting “%(title)s” on %(date)s at %(place)s.")
        % {"title": meeting.title, "date": meeting.held_on.isoformat(), "place": meeting.place or "—"},
        reverse("topics"),  # the committee's open topics: the meeting's agenda is drawn from them
        about=meeting,
    )
