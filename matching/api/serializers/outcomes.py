"""What follows confirmation over REST: project progress, milestones, completion and carry-over, two-way
evaluations, the committees' figures and the published results. Same scoping and services as the pages."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from committees import validators
from committees.models import Allocation, Committee, Project
from config.api.fields import ScopedFieldsMixin, ScopedPrimaryKeyRelatedField
from matching import scoping
from matching.models import (
    Cancellation,
    CommitteeFigures,
    Evaluation,
    Milestone,
    ProjectUpdate,
    Proposal,
    Publication,
    validate_photo,
)
from matching.outcomes import figures, periods


class ProjectUpdateSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """A progress report on a project you take part in (either side) or whose committee you manage."""

    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())
    photo = serializers.FileField(
        write_only=True, required=False, validators=[validate_photo], help_text="JPEG or PNG, at most 5 MB"
    )
    photo_url = serializers.SerializerMethodField()

    class Meta:
        model = ProjectUpdate
        fields = ["id", "project", "unit", "text", "photo", "photo_url", "created_by", "created_at"]
        read_only_fields = ["unit", "created_by", "created_at"]

    # Only ids within the user's scope validate (config.api.fields).
    scoped_fields = {
        "project": scoping.projects_for,
    }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_photo_url(self, update) -> str | None:
        return reverse("project_update_photo", args=[update.pk]) if update.photo else None


class MilestoneSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())

    class Meta:
        model = Milestone
        fields = ["id", "project", "title", "due_on", "done_at"]
        read_only_fields = ["done_at"]

    # Only ids within the user's scope validate (config.api.fields).
    scoped_fields = {
        "project": scoping.projects_for,
    }


class CarryOverSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, validators=[validators.validate_text])
    new_end = serializers.DateField()


class ProjectRecordSerializer(serializers.Serializer):
    """A need or resource the project joins: named, with its API address (its partners may read it)."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True)


class ProjectProposalSerializer(serializers.Serializer):
    """The topic (议题) the project was confirmed from."""

    id = serializers.IntegerField(read_only=True)
    source = serializers.ChoiceField(choices=Proposal.Source.choices, read_only=True)
    status = serializers.ChoiceField(choices=Proposal.Status.choices, read_only=True)
    url = serializers.CharField(read_only=True)


class ProjectAllocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Allocation
        fields = ["need", "resource", "provider_unit", "quantity"]
        read_only_fields = fields


class ProjectCancellationSerializer(serializers.ModelSerializer):
    cancelled_by = serializers.CharField(source="created_by.get_full_name", read_only=True)
    cancelled_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Cancellation
        fields = ["reason", "cancelled_by", "cancelled_at"]
        read_only_fields = fields


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ProjectSerializer(serializers.ModelSerializer):
    """A service project with what it joins: its needs, resources, allocations and the topics it came from."""

    # The viewset prefetches `allocations` (with need and resource) and `proposals`: no query per project.

    needs = serializers.SerializerMethodField()
    resources = serializers.SerializerMethodField()
    allocations = ProjectAllocationSerializer(many=True, read_only=True)
    proposals = serializers.SerializerMethodField()
    cancellation = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "committee",
            "title",
            "lead_unit",
            "starts_on",
            "ends_on",
            "status",
            "completed_at",
            "needs",
            "resources",
            "allocations",
            "proposals",
            "cancellation",
        ]
        read_only_fields = fields

    @staticmethod
    def _records(project, side: str) -> list[dict]:
        records = {}
        for allocation in project.allocations.all():
            record = getattr(allocation, side)
            if record is not None:
                records[record.pk] = record
        return [
            {"id": pk, "title": record.title, "url": reverse(f"{side}-detail", args=[pk])}
            for pk, record in sorted(records.items())
        ]

    @extend_schema_field(ProjectRecordSerializer(many=True))
    def get_needs(self, project) -> list[dict]:
        return self._records(project, "need")

    @extend_schema_field(ProjectRecordSerializer(many=True))
    def get_resources(self, project) -> list[dict]:
        return self._records(project, "resource")

    @extend_schema_field(ProjectProposalSerializer(many=True))
    def get_proposals(self, project) -> list[dict]:
        return [
            {
                "id": proposal.pk,
                "source": proposal.source,
                "status": proposal.status,
                "url": reverse("proposal-detail", args=[proposal.pk]),
            }
            for proposal in sorted(project.proposals.all(), key=lambda proposal: proposal.pk)
        ]

    @extend_schema_field(ProjectCancellationSerializer(allow_null=True))
    def get_cancellation(self, project) -> dict | None:
        """Who cancelled the project, when and why; null unless it is cancelled."""
        try:
            cancellation = project.cancellation
        except Cancellation.DoesNotExist:
            return None
        return ProjectCancellationSerializer(cancellation).data


class ProjectStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "title", "status", "starts_on", "ends_on", "completed_at"]
        read_only_fields = fields


class EvaluationSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())
    score = serializers.IntegerField(min_value=1, max_value=5)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "project",
            "side",
            "rater_unit",
            "rated_unit",
            "score",
            "comment",
            "created_at",
            "revealed_at",
        ]
        read_only_fields = ["rater_unit", "rated_unit", "created_at", "revealed_at"]

    # Only ids within the user's scope validate (config.api.fields).
    scoped_fields = {
        "project": scoping.projects_for,
    }


class CommitteeFiguresSerializer(serializers.ModelSerializer):
    response_rate = serializers.FloatField(read_only=True, allow_null=True)
    resolution_rate = serializers.FloatField(read_only=True, allow_null=True)
    satisfaction_rate = serializers.FloatField(read_only=True, allow_null=True)
    participation_rate = serializers.FloatField(read_only=True, allow_null=True)
    compliance_rate = serializers.FloatField(read_only=True, allow_null=True)
    resident_satisfaction_rate = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = CommitteeFigures
        fields = [
            "id",
            "committee",
            "period",
            *figures.FIGURE_COUNTS,
            "response_rate",
            "resolution_rate",
            "satisfaction_rate",
            "participation_rate",
            "compliance_rate",
            "resident_satisfaction_rate",
            "computed_at",
        ]
        read_only_fields = fields


class PublicationSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """Publish an ended period of a committee you manage; the snapshot is what the results page shows."""

    committee = ScopedPrimaryKeyRelatedField(
        queryset=Committee.objects.none(),
        error_messages={"not_allowed": _("You may not act for this committee.")},
    )

    class Meta:
        model = Publication
        fields = ["id", "committee", "period", "snapshot", "published_by", "published_at"]
        read_only_fields = ["snapshot", "published_by", "published_at"]
        validators = []  # the service reports a second publication of a period with its own message

    # Only ids within the user's scope validate (config.api.fields).
    scoped_fields = {
        "committee": (scoping.committees_for, scoping.committees_to_manage),
    }

    def validate_period(self, value: str) -> str:
        try:
            periods.parse(value)
        except periods.InvalidPeriod as error:
            raise serializers.ValidationError(str(error)) from error
        return value
