"""The community secretary's inbox of residents' submissions over REST: list, read, accept, merge, decline.
Scoped like the admin (scoping.submissions_for: the community's own secretaries); writes through services.intake."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from committees import scoping
from committees.models import Category, Measure, Need, Submission
from committees.services import intake
from config.api.fields import ScopedFieldsMixin, ScopedPrimaryKeyRelatedField


class SubmissionSerializer(serializers.ModelSerializer):
    stage = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "committee",
            "text",
            "place",
            "name",
            "phone",
            "status",
            "stage",
            "need",
            "decline_reason",
            "created_at",
            "handled_at",
        ]
        read_only_fields = fields

    def get_stage(self, submission) -> str:
        return intake.stage_of(submission) if submission.status != Submission.Status.RECEIVED else "received"


class AcceptSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True))
    title = serializers.CharField(max_length=100)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1)
    measure = serializers.ChoiceField(choices=Measure.choices, default=Measure.ITEMS)


class MergeSerializer(ScopedFieldsMixin, serializers.Serializer):
    need = ScopedPrimaryKeyRelatedField(
        queryset=Need.objects.none(), error_messages={"not_allowed": _("You may not act for this record.")}
    )
    scoped_fields = {"need": scoping.needs_to_manage}


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """居民诉求 Residents' submissions to the communities whose secretary you are (in full: you call them back).
    Accept onto the needs list, merge into an open need, or decline with a reason."""

    serializer_class = SubmissionSerializer
    filterset_fields = ["status", "committee"]
    ordering_fields = ["created_at"]
    queryset = Submission.objects.none()

    def get_queryset(self):
        return scoping.submissions_for(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(request=AcceptSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """受理 Put the submission on the community's needs list (published, source "resident")."""
        submission = self.get_object()
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        submission = intake.accept(submission, by=request.user, **body.validated_data)
        return Response(self.get_serializer(submission).data)

    @extend_schema(request=MergeSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """合并 Join the submission to an open need of its community."""
        submission = self.get_object()
        body = MergeSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        submission = intake.merge(submission, by=request.user, need=body.validated_data["need"])
        return Response(self.get_serializer(submission).data)

    @extend_schema(request=DeclineSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """不予受理 Decline with a reason (the resident's follow-up link shows it)."""
        submission = self.get_object()
        body = DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        submission = intake.decline(submission, by=request.user, reason=body.validated_data["reason"])
        return Response(self.get_serializer(submission).data)
