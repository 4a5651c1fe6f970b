"""Matching runs and proposals over REST: start a run (202), read its status; answer and decide topics."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from matching import meetings, scoping
from matching.api.serializers.pipeline import (
    AgendaItemSerializer,
    AnswerSerializer,
    CommentSerializer,
    DecisionSerializer,
    MatchingRunSerializer,
    MeetingDecisionSerializer,
    MeetingHeldSerializer,
    MeetingSerializer,
    ProposalSerializer,
    TallySerializer,
    VoteSerializer,
)
from matching.models import AgendaItem, MatchingRun, Meeting, Proposal
from matching.pipeline import deliberate, runs


class MatchingRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """匹配任务 Matching runs. POST starts one over a committee you manage (202 with the run, or the run already
    under way over an overlapping scope)."""

    serializer_class = MatchingRunSerializer
    filterset_fields = ["status", "trigger", "committee"]
    ordering_fields = ["created_at", "finished_at"]
    queryset = MatchingRun.objects.none()

    def get_queryset(self):
        return scoping.runs_for(self.request.user).select_related("committee").order_by("-created_at", "-pk")

    @extend_schema(responses={202: MatchingRunSerializer})
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        committee = body.validated_data.get("committee")
        if committee is None and not request.user.is_superuser:
            raise serializers.ValidationError({"committee": [_("This field is required.")]})
        try:
            started = runs.start_run(committee=committee, by=request.user, trigger=MatchingRun.Trigger.API)
        except PermissionDenied as error:
            raise serializers.ValidationError(
                {"committee": [_("You may not act for this committee.")]}
            ) from error
        return Response(self.get_serializer(started.run).data, status=status.HTTP_202_ACCEPTED)


def with_sides_unless_listed(proposals, action: str | None):
    """A list shows the sides by id only (ProposalSerializer): joining each need and resource before the sort made
    PostgreSQL join a district's 10,000 proposals to pick 50. One proposal's actions read both sides: joined."""
    return proposals if action == "list" else proposals.select_related("need", "resource")


class ProposalViewSet(viewsets.ReadOnlyModelViewSet):
    """对接建议/议题 Proposals (topics): list; accept, decline (with a reason) and the secretary's decisions."""

    serializer_class = ProposalSerializer
    filterset_fields = ["status", "committee", "need", "resource", "committee_decision"]
    ordering_fields = ["created_at", "score", "expires_at"]
    queryset = Proposal.objects.none()

    def get_queryset(self):
        return with_sides_unless_listed(
            scoping.proposals_for(self.request.user).order_by("-created_at", "-pk"), self.action
        )

    def _apply(self, change):
        proposal = change()
        return Response(self.get_serializer(Proposal.objects.get(pk=proposal.pk)).data)

    def _body(self, serializer_class):
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    @extend_schema(request=AnswerSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        proposal, body = self.get_object(), self._body(AnswerSerializer)
        return self._apply(
            lambda: deliberate.answer(proposal, by=request.user, accept=True, side=body.get("side"))
        )

    @extend_schema(request=AnswerSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        proposal, body = self.get_object(), self._body(AnswerSerializer)
        return self._apply(
            lambda: deliberate.answer(
                proposal, by=request.user, accept=False, reason=body.get("reason", ""), side=body.get("side")
            )
        )

    @extend_schema(request=DecisionSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        proposal = self.get_object()
        return self._apply(lambda: deliberate.decide(proposal, by=request.user, approve=True))

    @extend_schema(request=DecisionSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        proposal, body = self.get_object(), self._body(DecisionSerializer)
        return self._apply(
            lambda: deliberate.decide(proposal, by=request.user, approve=False, reason=body.get("reason", ""))
        )


class MeetingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """会议 Meetings of the committees the user may see (plenary, chair and coordination meetings). A secretary
    schedules one (POST) for a committee they manage; the attendees are notified. Once it has taken place it is
    marked held (/meetings/{id}/held/); then its decisions are recorded on the agenda items
    (/agenda-items/{id}/decide/)."""

    serializer_class = MeetingSerializer
    filterset_fields = ["committee", "kind", "is_held"]
    ordering_fields = ["held_on", "created_at"]
    queryset = Meeting.objects.none()

    def get_queryset(self):
        return (
            scoping.meetings_for(self.request.user)
            .prefetch_related("attendees", "agenda")
            .order_by("-held_on", "-pk")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = meetings.schedule_meeting(
            committee=data["committee"],
            by=self.request.user,
            title=data["title"],
            held_on=data["held_on"],
            kind=data.get("kind", Meeting.Kind.PLENARY),
            place=data.get("place", ""),
            attendees=data.get("attendees", []),
        )

    @extend_schema(request=MeetingHeldSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def held(self, request, pk=None):
        """会议已召开 Mark the meeting as held, with its minutes (once its date has come); its decisions on the
        agenda can be recorded from then on."""
        meeting = self.get_object()
        body = MeetingHeldSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = {"is_held": True}
        if body.validated_data["minutes"]:
            fields["minutes"] = body.validated_data["minutes"]
        meeting = meetings.update_meeting(meeting, by=request.user, **fields)
        return Response(self.get_serializer(meeting).data)


class AgendaItemViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """议程 Agenda items of the meetings the user may see. A secretary puts an open topic of the meeting's committee
    on the agenda (POST) and records the meeting's decision: approve, reject (with a reason) or postpone."""

    serializer_class = AgendaItemSerializer
    filterset_fields = ["meeting", "decision", "proposal"]
    ordering_fields = ["id"]
    queryset = AgendaItem.objects.none()

    def get_queryset(self):
        return scoping.agenda_items_for(self.request.user).order_by("meeting_id", "pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = meetings.put_on_agenda(
            data["meeting"], proposal=data["proposal"], by=self.request.user
        )

    @extend_schema(request=MeetingDecisionSerializer, responses=AgendaItemSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """记录会议决定 Record the meeting's decision on this topic (the secretary of the meeting's committee)."""
        item = self.get_object()
        body = MeetingDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = meetings.record_meeting_decision(
            item,
            by=request.user,
            decision=body.validated_data["decision"],
            note=body.validated_data["note"],
        )
        return Response(self.get_serializer(item).data)


class TopicViewSet(viewsets.ReadOnlyModelViewSet):
    """议题 Open topics the user deliberates on: of committees where they hold a voting seat (chair, vice chair,
    member) or that they manage. Comment on them; where the rules of procedure say so, vote online."""

    serializer_class = ProposalSerializer
    filterset_fields = ["committee", "status"]
    ordering_fields = ["created_at", "expires_at"]
    queryset = Proposal.objects.none()

    def get_queryset(self):
        return with_sides_unless_listed(
            scoping.topics_for(self.request.user).order_by("expires_at", "pk"), self.action
        )

    @extend_schema(methods=["GET"], request=None, responses=CommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def comments(self, request, pk=None):
        """讨论 The topic's comments, oldest first; POST adds one."""
        proposal = self.get_object()
        if request.method == "GET":
            rows = proposal.comments.select_related("user").order_by("created_at", "pk")
            return Response(CommentSerializer(rows, many=True).data)
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = deliberate.comment(proposal, by=request.user, text=body.validated_data["text"])
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VoteSerializer, responses=TallySerializer)
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        """表决 Vote for, against or abstain (voting seats, where the committee votes online); returns the tally."""
        proposal = self.get_object()
        body = VoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = deliberate.vote(proposal, by=request.user, choice=body.validated_data["choice"])
        return Response(TallySerializer(deliberate.vote_tally(proposal)).data)

    @extend_schema(responses=TallySerializer)
    @action(detail=True, methods=["get"], filter_backends=[])
    def tally(self, request, pk=None):
        """计票 The votes cast so far, and whether the quorum and the majority are reached."""
        return Response(TallySerializer(deliberate.vote_tally(self.get_object())).data)
