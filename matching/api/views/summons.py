"""吹哨报到 over REST, with the pages' scoping and services: secretaries raise, close and rate; the summoned
department's people report, record and finish their own part; everyone reads what the gate lets them."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from matching import scoping
from matching import summons as service
from matching.api.serializers.summons import (
    CloseSerializer,
    DepartmentFiguresSerializer,
    FinishSerializer,
    PassUpSerializer,
    RateSerializer,
    ReportSerializer,
    SummonsFromNeedSerializer,
    SummonsPartSerializer,
    SummonsRecordSerializer,
    SummonsSerializer,
)
from matching.models import DepartmentFigures, Summons, SummonsPart, SummonsRecord


class SummonsViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """吹哨 Summons raised in the user's subtree, or addressed to the user's department. A secretary raises one
    (POST), raises one from a need (POST …/from-need/), closes it with ratings (POST …/close/) or passes a matter
    beyond the committee up to the committee above (POST …/pass-up/)."""

    serializer_class = SummonsSerializer
    filterset_fields = ["committee", "status", "urgency", "category"]
    ordering_fields = ["raised_at", "report_due_at"]
    queryset = Summons.objects.none()

    def get_queryset(self):
        parts = scoping.summons_parts_for(self.request.user).select_related("department").order_by("pk")
        return (
            scoping.summons_for(self.request.user)
            .prefetch_related(Prefetch("parts", queryset=parts, to_attr="visible_parts"))
            .order_by("-raised_at", "-pk")
        )

    def _fresh(self, summons: Summons) -> Summons:
        return self.get_queryset().get(pk=summons.pk)

    def perform_create(self, serializer):
        data = serializer.validated_data
        summons = service.raise_summons(
            by=self.request.user,
            committee=data["committee"],
            departments=data["departments"],
            title=data["title"],
            description=data.get("description", ""),
            place=data["place"],
            category=data["category"],
            urgency=data.get("urgency", Summons.Urgency.ORDINARY),
            report_due_at=data.get("report_due_at"),
            resolve_due_at=data.get("resolve_due_at"),
        )
        serializer.instance = self._fresh(summons)

    @extend_schema(request=SummonsFromNeedSerializer, responses={201: SummonsSerializer})
    @action(detail=False, methods=["post"], url_path="from-need")
    def from_need(self, request):
        """需求转吹哨 A need no unit could take becomes a summons (the need is withdrawn, its history kept)."""
        body = SummonsFromNeedSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        summons = service.summons_from_need(
            need=data["need"],
            by=request.user,
            departments=data["departments"],
            category=data["category"],
            urgency=data["urgency"],
            place=data["place"],
        )
        return Response(self.get_serializer(self._fresh(summons)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CloseSerializer, responses=SummonsSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """办结 Close the matter as resolved or not, rating each department (1-5 on three counts)."""
        summons = self.get_object()
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        ratings = {
            row["part"]: (row["timeliness"], row["attitude"], row["result"]) for row in data["ratings"]
        }
        summons = service.close_summons(
            summons=summons, by=request.user, resolved=data["resolved"], note=data["note"], ratings=ratings
        )
        return Response(self.get_serializer(self._fresh(summons)).data)

    @extend_schema(request=PassUpSerializer, responses={201: SummonsSerializer})
    @action(detail=True, methods=["post"], url_path="pass-up")
    def pass_up(self, request, pk=None):
        """上报 A matter beyond the committee goes to the committee above with the departments it may summon; this
        summons closes as passed up and the new one is returned."""
        summons = self.get_object()
        body = PassUpSerializer(data=request.data, above=summons.committee.parent)
        body.is_valid(raise_exception=True)
        passed = service.pass_up(
            summons=summons,
            by=request.user,
            departments=body.validated_data["departments"],
            reason=body.validated_data["reason"],
        )
        return Response(self.get_serializer(self._fresh(passed)).data, status=status.HTTP_201_CREATED)


class SummonsPartViewSet(viewsets.ReadOnlyModelViewSet):
    """报到 Each summoned department's part: a department sees its own, a secretary those of the subtree. The
    department reports (…/report/) and finishes (…/finish/); the summoning secretary rates (…/rate/)."""

    serializer_class = SummonsPartSerializer
    filterset_fields = ["summons", "department", "status"]
    ordering_fields = ["summons"]
    queryset = SummonsPart.objects.none()

    def get_queryset(self):
        return (
            scoping.summons_parts_for(self.request.user)
            .select_related("department", "summons")
            .order_by("-summons_id", "pk")
        )

    @extend_schema(request=ReportSerializer, responses=SummonsPartSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """报到 Acknowledge and name the person who comes."""
        part = self.get_object()
        body = ReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        part = service.report(part=part, by=request.user, **body.validated_data)
        return Response(self.get_serializer(part).data)

    @extend_schema(request=FinishSerializer, responses=SummonsPartSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        """办结或说明 Mark the part done, or say why the department cannot handle it."""
        part = self.get_object()
        body = FinishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        part = service.finish_part(
            part=part, by=request.user, done=body.validated_data["done"], reason=body.validated_data["reason"]
        )
        return Response(self.get_serializer(part).data)

    @extend_schema(request=RateSerializer, responses=SummonsPartSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """评价 The summoning secretary rates the department's response."""
        part = self.get_object()
        body = RateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        part = service.rate_part(part=part, by=request.user, **body.validated_data)
        return Response(self.get_serializer(part).data)


class SummonsRecordViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """办理记录 What the departments did; POST (JSON or multipart with a photo) records one for your part."""

    serializer_class = SummonsRecordSerializer
    filterset_fields = ["part"]
    ordering_fields = ["created_at"]
    queryset = SummonsRecord.objects.none()

    def get_queryset(self):
        return scoping.summons_records_for(self.request.user).order_by("-created_at", "-pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = service.record_handling(
            part=data["part"], by=self.request.user, text=data["text"], photo=data.get("photo")
        )


class DepartmentFiguresViewSet(viewsets.ReadOnlyModelViewSet):
    """部门考核 The departments' figures per period (the nightly pass), for the departments you may see."""

    serializer_class = DepartmentFiguresSerializer
    filterset_fields = ["department", "period"]
    ordering_fields = ["period"]
    queryset = DepartmentFigures.objects.none()

    def get_queryset(self):
        return (
            scoping.department_figures_for(self.request.user)
            .select_related("department")
            .order_by("department__name", "period", "pk")
        )
