"""Matching runs and proposals over REST: start a run (202), read its status; answer and decide topics."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import runs, scoping
from ..models import MatchingRun, Proposal
from ..pipeline import deliberate
from .serializers import AnswerSerializer, DecisionSerializer, MatchingRunSerializer, ProposalSerializer


class MatchingRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """匹配任务 Matching runs. POST starts one over a committee you manage (202 with the run, or the run already
    under way over an overlapping scope)."""

    serializer_class = MatchingRunSerializer
    filterset_fields = ["status", "trigger", "committee"]
    queryset = MatchingRun.objects.none()

    def get_queryset(self):
        return scoping.runs_for(self.request.user).select_related("committee").order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        committee = body.validated_data.get("committee")
        if committee is None and not request.user.is_superuser:
            raise serializers.ValidationError({"committee": ["This field is required."]})
        try:
            started = runs.start_run(committee=committee, by=request.user, trigger=MatchingRun.Trigger.API)
        except PermissionDenied as error:
            raise serializers.ValidationError({"committee": ["Not a committee you manage."]}) from error
        return Response(self.get_serializer(started.run).data, status=status.HTTP_202_ACCEPTED)


class ProposalViewSet(viewsets.ReadOnlyModelViewSet):
    """对接建议/议题 Proposals (topics): list; accept, decline (with a reason) and the secretary's decisions."""

    serializer_class = ProposalSerializer
    filterset_fields = ["status", "committee", "need", "resource", "committee_decision"]
    ordering_fields = ["created_at", "score", "expires_at"]
    queryset = Proposal.objects.none()

    def get_queryset(self):
        return (
            scoping.proposals_for(self.request.user)
            .select_related("need", "resource")
            .order_by("-created_at", "-pk")
        )

    def _apply(self, change):
        try:
            proposal = change()
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        except PermissionDenied:
            return Response({"detail": "You may not act on this topic."}, status=status.HTTP_403_FORBIDDEN)
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
