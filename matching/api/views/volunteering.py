"""双报到 over REST: organisation reports (+ commitments published as resources), party members' reports (register,
confirm, reject), community tasks (publish, sign up, mobilise) and sign-ups (cancel, check in, confirm hours).
Querysets from the gate, writes through the services; errors shaped by config/api/errors.py."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from committees import masking, services
from committees.models import MemberReport, OrganisationReport
from matching import scoping, volunteering
from matching.api.serializers.volunteering import (
    CommitmentSerializer,
    CommunityTaskSerializer,
    HoursSerializer,
    MemberReportSerializer,
    MobilisedSerializer,
    MobiliseSerializer,
    OrganisationReportSerializer,
    RejectReasonSerializer,
    SignUpSerializer,
)
from matching.models import CommunityTask, SignUp


class OrganisationReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """组织报到 A member unit's party organisation reports to a community it sits on, once a year (its liaison);
    POST commitments/ adds a public commitment, published at once as the unit's resource."""

    serializer_class = OrganisationReportSerializer
    filterset_fields = ["community", "unit", "year"]
    ordering_fields = ["reported_at", "year"]
    queryset = OrganisationReport.objects.none()

    def get_queryset(self):
        return (
            scoping.organisation_reports_for(self.request.user)
            .prefetch_related("commitments")
            .order_by("-year", "pk")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.report_organisation(
            by=self.request.user, unit=data["unit"], community=data["community"], note=data.get("note", "")
        )

    @extend_schema(request=CommitmentSerializer, responses={201: OrganisationReportSerializer})
    @action(detail=True, methods=["post"])
    def commitments(self, request, pk=None):
        body = CommitmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = self.get_object()
        services.add_commitment(by=request.user, report=report, **body.validated_data)
        return Response(self.get_serializer(self.get_object()).data, status=201)


class MemberReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """个人报到 Party members' reports: the community's secretaries (in full), the member's own unit's liaison
    (name and phone, never the address), the member (their own); masked for everyone else. POST reports the
    logged-in person to the community where they live; the secretary confirms or rejects."""

    serializer_class = MemberReportSerializer
    filterset_fields = ["community", "status", "unit"]
    ordering_fields = ["created_at", "confirmed_at"]
    queryset = MemberReport.objects.none()

    def get_queryset(self):
        return (
            scoping.member_reports_for(self.request.user)
            .select_related("community")
            .order_by("-created_at", "-pk")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        masking.mask_member_reports(request.user, page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        masking.mask_member_reports(request.user, [report])
        return Response(self.get_serializer(report).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        community = data.pop("community")
        skills = data.pop("skills", ())
        serializer.instance = services.register_member(
            by=self.request.user, community=community, skills=skills, **data
        )

    @extend_schema(request=None, responses=MemberReportSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        report = services.confirm_member(by=request.user, report=self.get_object())
        return Response(self.get_serializer(report).data)

    @extend_schema(request=RejectReasonSerializer, responses=MemberReportSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        body = RejectReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.reject_member(by=request.user, report=self.get_object(), **body.validated_data)
        return Response(self.get_serializer(report).data)


class CommunityTaskViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """社区任务 A reported member sees their community's tasks (and the street's when widened) and signs up; the
    community's secretary publishes them (an urgent one mobilises the members with the skill at once)."""

    serializer_class = CommunityTaskSerializer
    filterset_fields = ["community", "status", "urgent"]
    ordering_fields = ["starts_at"]
    queryset = CommunityTask.objects.none()

    def get_queryset(self):
        return scoping.tasks_for(self.request.user).order_by("-starts_at", "-pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        community = data.pop("community")
        serializer.instance = volunteering.publish_task(by=self.request.user, community=community, **data)

    @extend_schema(request=None, responses={201: SignUpSerializer})
    @action(detail=True, methods=["post"], url_path="sign-up")
    def sign_up(self, request, pk=None):
        entry = volunteering.sign_up(by=request.user, task=self.get_object())
        return Response(
            SignUpSerializer(entry, context={"visible_members": {entry.member_id}}).data, status=201
        )

    @extend_schema(request=MobiliseSerializer, responses=MobilisedSerializer)
    @action(detail=True, methods=["post"])
    def mobilise(self, request, pk=None):
        body = MobiliseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        count = volunteering.mobilise(by=request.user, task=self.get_object(), **body.validated_data)
        return Response({"notified": count})


class SignUpViewSet(viewsets.ReadOnlyModelViewSet):
    """报名与服务时长 Sign-ups: the member's own, the secretary's community's, the unit liaison's members' (hours,
    双向反馈). Hours count once the community confirms them."""

    serializer_class = SignUpSerializer
    filterset_fields = ["task", "status"]
    ordering_fields = ["created_at"]
    queryset = SignUp.objects.none()

    def get_queryset(self):
        return scoping.sign_ups_for(self.request.user).select_related("member").order_by("-created_at", "-pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["visible_members"] = set(
            masking.member_contacts_visible(self.request.user).values_list("pk", flat=True)
        )
        return context

    def _done(self, entry):
        return Response(self.get_serializer(entry).data)

    @extend_schema(request=None, responses=SignUpSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._done(volunteering.cancel_sign_up(by=request.user, sign_up=self.get_object()))

    @extend_schema(request=None, responses=SignUpSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        return self._done(volunteering.check_in(by=request.user, sign_up=self.get_object()))

    @extend_schema(request=HoursSerializer, responses=SignUpSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-hours")
    def confirm_hours(self, request, pk=None):
        body = HoursSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = volunteering.confirm_hours(
            by=request.user, sign_up=self.get_object(), hours=body.validated_data.get("hours")
        )
        return self._done(entry)
