from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from committees import validators
from committees.models import Committee, User
from config.api.fields import ScopedFieldsMixin, ScopedPrimaryKeyRelatedField
from matching import explain, scoping
from matching.models import AgendaItem, Comment, Decision, MatchingRun, Meeting, Proposal, Vote


class MatchingRunSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    committee = ScopedPrimaryKeyRelatedField(
        queryset=Committee.objects.none(),
        required=False,
        allow_null=True,
        help_text="The committee whose subtree is matched, one you manage. Required, except for superusers: "
        "without it a superuser matches the whole city.",
        error_messages={"not_allowed": _("You may not act for this committee.")},
    )

    class Meta:
        model = MatchingRun
        fields = [
            "id",
            "committee",
            "scope_code",
            "trigger",
            "status",
            "created_at",
            "started_at",
            "finished_at",
            "attempts",
            "timings",
            "counts",
            "error",
        ]
        read_only_fields = [f for f in fields if f != "committee"]

    # Only ids within the user's scope validate (config.api.fields).
    scoped_fields = {
        "committee": (scoping.committees_for, scoping.committees_to_manage),
    }


class ProposalSerializer(serializers.ModelSerializer):
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "run",
            "source",
            "need",
            "resource",
            "provider_unit",
            "committee",
            "quantity",
            "score",
            "score_parts",
            "reasons",
            "need_side",
            "provider_side",
            "committee_decision",
            "status",
            "reason",
            "expires_at",
            "project",
            "created_at",
        ]
        read_only_fields = fields

    def get_reasons(self, proposal) -> list[str]:
        return explain.reasons(proposal)


class AnswerSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=["need", "provider"], required=False)
    reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, validators=[validators.validate_text]
    )


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, validators=[validators.validate_text]
    )


class MeetingSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """Create with a committee you manage and people you may see as attendees; the agenda is shown, not written."""

    committee = serializers.PrimaryKeyRelatedField(queryset=Committee.objects.none())
    attendees = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.none(), required=False)
    agenda = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "committee",
            "kind",
            "title",
            "held_on",
            "place",
            "attendees",
            "minutes",
            "is_held",
            "agenda",
            "created_at",
        ]
        read_only_fields = ["minutes", "is_held", "created_at"]

    # Only ids within the user's scope validate (config.api.fields).
    scoped_fields = {
        "committee": scoping.committees_to_manage,
        "attendees": scoping.people_for,
    }

    def get_agenda(self, meeting) -> list[int]:
        """The ids of the meeting's agenda items (see /agenda-items/)."""
        return [item.pk for item in meeting.agenda.all()]


class AgendaItemSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """Put a topic on a meeting's agenda: the meeting must be one you manage, the topic one of its committee."""

    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.none())
    proposal = serializers.PrimaryKeyRelatedField(queryset=Proposal.objects.none())

    class Meta:
        model = AgendaItem
        fields = ["id", "meeting", "proposal", "decision", "note"]
        read_only_fields = ["decision", "note"]

    # Only ids within the user's scope validate (config.api.fields).
    scoped_fields = {
        "meeting": scoping.meetings_to_manage,
        "proposal": scoping.proposals_for,
    }


MEETING_DECISIONS = [(d.value, d.label) for d in (Decision.APPROVED, Decision.REJECTED, Decision.DEFERRED)]


class MeetingHeldSerializer(serializers.Serializer):
    minutes = serializers.CharField(required=False, allow_blank=True, default="")


class MeetingDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=MEETING_DECISIONS)
    note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", validators=[validators.validate_text]
    )


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "proposal", "author", "text", "created_at"]
        read_only_fields = ["proposal", "created_at"]


class VoteSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Vote.Choice.choices)


class TallySerializer(serializers.Serializer):
    seats = serializers.IntegerField()
    cast = serializers.IntegerField()
    votes_for = serializers.IntegerField(source="for")
    against = serializers.IntegerField()
    abstain = serializers.IntegerField()
    quorum_reached = serializers.BooleanField()
    majority_for = serializers.BooleanField()
