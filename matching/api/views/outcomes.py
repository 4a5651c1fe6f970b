"""What follows confirmation over REST: project progress, milestones, completion and carry-over, two-way
evaluations, the committees' figures and the published results. Same scoping and services as the pages."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from committees.models import Allocation, Project
from matching import scoping
from matching.api.serializers.outcomes import (
    CancelSerializer,
    CarryOverSerializer,
    CommitteeFiguresSerializer,
    EvaluationSerializer,
    MilestoneSerializer,
    ProjectSerializer,
    ProjectStateSerializer,
    ProjectUpdateSerializer,
    PublicationSerializer,
)
from matching.models import CommitteeFigures, Evaluation, Milestone, ProjectUpdate, Proposal, Publication
from matching.outcomes import evaluation, periods, projects, results


class ProjectUpdateViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """进展汇报 Progress reports on the projects you may see; POST (JSON or multipart with a photo) reports one."""

    serializer_class = ProjectUpdateSerializer
    filterset_fields = ["project"]
    ordering_fields = ["created_at"]
    queryset = ProjectUpdate.objects.none()

    def get_queryset(self):
        return scoping.project_updates_for(self.request.user).order_by("-created_at", "-pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = projects.post_update(
            project=data["project"], by=self.request.user, text=data["text"], photo=data.get("photo")
        )


class MilestoneViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """里程碑 Milestones of the projects you may see; the lead unit (or secretary) adds them and marks them done."""

    serializer_class = MilestoneSerializer
    filterset_fields = ["project"]
    ordering_fields = ["due_on"]
    queryset = Milestone.objects.none()

    def get_queryset(self):
        return scoping.milestones_for(self.request.user).order_by("due_on", "pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = projects.add_milestone(
            project=data["project"], by=self.request.user, title=data["title"], due_on=data["due_on"]
        )

    @extend_schema(request=None, responses=MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """标记完成 Mark the milestone done (the lead unit or the secretary)."""
        milestone = projects.complete_milestone(milestone=self.get_object(), by=request.user)
        return Response(self.get_serializer(milestone).data)


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """项目清单 Projects of the user's subtree, or those the user's units take part in, with the needs, resources
    and topics each joins. Complete a project (opens the two-way evaluation) or carry it over with a reason and a
    new date: the lead unit or the secretary. Cancel one that will not happen: the secretary."""

    serializer_class = ProjectSerializer
    filterset_fields = ["committee", "status", "lead_unit"]
    ordering_fields = ["starts_on", "ends_on"]
    queryset = Project.objects.none()

    def get_queryset(self):
        return (
            scoping.projects_for(self.request.user)
            .select_related("cancellation__created_by")
            .prefetch_related(
                Prefetch(
                    "allocations",
                    queryset=Allocation.objects.select_related("need", "resource").order_by("pk"),
                ),
                Prefetch("proposals", queryset=Proposal.objects.only("pk", "source", "status", "project_id")),
            )
            .order_by("-starts_on", "-pk")
        )

    @extend_schema(request=None, responses=ProjectStateSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        project = projects.complete_project(project=self.get_object(), by=request.user)
        return Response(ProjectStateSerializer(project).data)

    @extend_schema(request=CancelSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """取消项目 Cancel a project that will not happen, with a reason (the committee's secretary): its quantity
        goes back to the needs and resources, both sides are told."""
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        projects.cancel_project(project=self.get_object(), by=request.user, **body.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=CarryOverSerializer, responses=ProjectStateSerializer)
    @action(detail=True, methods=["post"], url_path="carry-over")
    def carry_over(self, request, pk=None):
        body = CarryOverSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        project = self.get_object()
        projects.carry_over(project=project, by=request.user, **body.validated_data)
        project.refresh_from_db()
        return Response(ProjectStateSerializer(project).data)


class EvaluationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """双向评价 Evaluations: your own side's at once, the other side's once both are in or the window closed.
    POST rates a completed project for a side you act for (1–5 and a comment)."""

    serializer_class = EvaluationSerializer
    filterset_fields = ["project", "side"]
    ordering_fields = ["created_at"]
    queryset = Evaluation.objects.none()

    def get_queryset(self):
        return scoping.evaluations_for(self.request.user).order_by("-created_at", "-pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = evaluation.submit(
            project=data["project"],
            by=self.request.user,
            side=data["side"],
            score=data["score"],
            comment=data.get("comment", ""),
        )


class CommitteeFiguresViewSet(viewsets.ReadOnlyModelViewSet):
    """统计指标 The figures of each committee and period (the three rates, medians, participation, compliance):
    every period for the secretaries and overseers of the subtree, published periods for the others."""

    serializer_class = CommitteeFiguresSerializer
    filterset_fields = ["committee", "period"]
    ordering_fields = ["period"]
    queryset = CommitteeFigures.objects.none()

    def get_queryset(self):
        return scoping.figures_for(self.request.user).order_by("committee_id", "period")


class PublicationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """通报 Published results of the committees you may see. POST publishes an ended period of a committee you
    manage (the figures are recomputed, then frozen)."""

    serializer_class = PublicationSerializer
    filterset_fields = ["committee", "period"]
    ordering_fields = ["published_at", "period"]
    queryset = Publication.objects.none()

    def get_queryset(self):
        return scoping.publications_for(self.request.user).order_by("-published_at", "-pk")

    @extend_schema(responses={201: PublicationSerializer})
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        publication = results.publish(
            committee=body.validated_data["committee"],
            period=periods.parse(body.validated_data["period"]),
            by=request.user,
        )
        return Response(self.get_serializer(publication).data, status=status.HTTP_201_CREATED)
