"""The registry and the lists over REST: every queryset from the scoping module; state changes are actions."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from committees import masking, scoping, services
from committees.models import (
    Category,
    CollectionRequest,
    CollectionRound,
    Membership,
    Need,
    Resource,
    Seat,
)
from config.api.filters import IdFilterSet

from .serializers import (
    CategorySerializer,
    CollectionRequestSerializer,
    CollectionRoundSerializer,
    CommitteeSerializer,
    EndSerializer,
    MembershipChangeSerializer,
    MembershipSerializer,
    MemberUnitSerializer,
    NeedSerializer,
    ReasonSerializer,
    ResourceSerializer,
    SeatChangeSerializer,
    SeatSerializer,
)


class CommitteeFilter(IdFilterSet):
    within = filters.CharFilter(
        field_name="area_code", lookup_expr="startswith", label="Division code prefix"
    )

    class Meta:
        model = scoping.Committee
        fields = ["level", "parent", "within"]


class CommitteeViewSet(viewsets.ReadOnlyModelViewSet):
    """协调委员会 Committees the user may see (a secretary's subtree); `within` filters a subtree by code."""

    serializer_class = CommitteeSerializer
    filterset_class = CommitteeFilter
    ordering_fields = ["area_code", "name"]

    def get_queryset(self):
        return scoping.committees_for(self.request.user).order_by("area_code")


class MemberUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """成员单位 Member units the user may see."""

    serializer_class = MemberUnitSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return scoping.units_for(self.request.user).order_by("name", "pk")


def _require_ended(kept: int) -> None:
    """After an end_* service: nothing ended means the row had already ended (the scope was checked before)."""
    if kept == 0:
        raise serializers.ValidationError({"until": [_("This has already ended.")]})


class MembershipViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """成员身份 Memberships of units on committees the user may see. Secretaries add a unit they manage to a
    committee they manage (POST), change its role (PATCH) and end it (POST …/end/); ended memberships are kept."""

    serializer_class = MembershipSerializer
    filterset_fields = ["committee", "unit", "role"]
    ordering_fields = ["since", "until"]
    queryset = Membership.objects.none()

    def get_queryset(self):
        return scoping.memberships_for(self.request.user).order_by("committee__area_code", "pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.add_membership(
            by=self.request.user,
            unit=data["unit"],
            committee=data["committee"],
            role=data.get("role", Membership.Role.MEMBER_UNIT),
            since=data.get("since"),
        )

    @extend_schema(request=MembershipChangeSerializer, responses=MembershipSerializer)
    def partial_update(self, request, pk=None):
        """变更角色 Change the unit's role on the committee."""
        membership = self.get_object()
        body = MembershipChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = services.change_membership(membership, by=request.user, role=body.validated_data["role"])
        return Response(self.get_serializer(membership).data)

    @extend_schema(request=EndSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """结束 End the membership on a date (today by default); it stays in the committee's record."""
        membership = self.get_object()
        body = EndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        scoping.require_change(request.user, membership)
        ended = services.end_memberships(
            memberships=Membership.objects.filter(pk=membership.pk),
            by=request.user,
            on=body.validated_data.get("on") or timezone.localdate(),
        )
        _require_ended(ended)
        return Response(self.get_serializer(Membership.objects.get(pk=membership.pk)).data)


class SeatViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """委员席位 Seats on the committees the user may see. Secretaries give a person a seat on a committee they
    manage (POST), correct the position (PATCH) and end the seat (POST …/end/); a new role is a new seat."""

    serializer_class = SeatSerializer
    filterset_fields = ["committee", "role", "unit"]
    ordering_fields = ["since", "until"]
    queryset = Seat.objects.none()

    def get_queryset(self):
        return (
            scoping.seats_for(self.request.user).select_related("user").order_by("committee__area_code", "pk")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.add_seat(
            by=self.request.user,
            committee=data["committee"],
            user=data["user"],
            role=data["role"],
            unit=data.get("unit"),
            position=data.get("position", ""),
            since=data.get("since"),
        )

    @extend_schema(request=SeatChangeSerializer, responses=SeatSerializer)
    def partial_update(self, request, pk=None):
        """更正职务 Correct the position the seat holder is named with."""
        seat = self.get_object()
        body = SeatChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        seat = services.change_seat(seat, by=request.user, position=body.validated_data["position"])
        return Response(self.get_serializer(seat).data)

    @extend_schema(request=EndSerializer, responses=SeatSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """结束 End the seat on a date (today by default); the person loses the role it gave."""
        seat = self.get_object()
        body = EndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        scoping.require_change(request.user, seat)
        ended = services.end_seats(
            seats=Seat.objects.filter(pk=seat.pk),
            by=request.user,
            on=body.validated_data.get("on") or timezone.localdate(),
        )
        _require_ended(ended)
        return Response(self.get_serializer(Seat.objects.select_related("user").get(pk=seat.pk)).data)


class CollectionRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """征集回复 Collection requests: one per unit and round, with the answer. A liaison answers for their unit by
    creating needs or resources with `collection_request`, or with POST …/nothing-this-time/. Secretaries see the
    requests of their subtree's rounds."""

    serializer_class = CollectionRequestSerializer
    filterset_fields = ["round", "unit", "nothing_this_time"]
    ordering_fields = ["answered_at"]
    queryset = CollectionRequest.objects.none()

    def get_queryset(self):
        return (
            scoping.collection_requests_for(self.request.user)
            .select_related("answered_by")
            .order_by("-round_id", "pk")
        )

    @extend_schema(request=None, responses=CollectionRequestSerializer)
    @action(detail=True, methods=["post"], url_path="nothing-this-time")
    def nothing_this_time(self, request, pk=None):
        """本次无 Answer "nothing this time" for the unit (its liaison)."""
        asked = self.get_object()
        asked = services.answer_nothing_this_time(asked, by=request.user)
        return Response(self.get_serializer(asked).data)


class CollectionRoundViewSet(viewsets.ReadOnlyModelViewSet):
    """征集活动 Collection rounds of the user's subtree, or those that asked the user's units."""

    serializer_class = CollectionRoundSerializer
    filterset_fields = ["committee"]
    ordering_fields = ["opens_on", "closes_on"]
    queryset = CollectionRound.objects.none()

    def get_queryset(self):
        return (
            scoping.rounds_for(self.request.user).prefetch_related("categories").order_by("-opens_on", "-pk")
        )


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """类别 The category taxonomy."""

    serializer_class = CategorySerializer
    ordering_fields = ["position", "code"]
    queryset = Category.objects.filter(is_active=True)
    pagination_class = None


class RecordViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Shared by needs and resources: list, show, create (a draft), publish and withdraw."""

    filterset_fields = ["status", "category", "committee", "owner_unit", "reach"]
    ordering_fields = ["created_at", "updated_at", "quantity"]
    visible = staticmethod(lambda user: None)

    def get_queryset(self):
        records = self.visible(self.request.user).order_by("-created_at", "-pk")
        if self.action == "list":
            # The serializer shows the related rows by id: joining them made PostgreSQL join every record in
            # scope before sorting for a page. One record's actions (the services) read them: joined.
            return records
        return records.select_related("category", "committee", "owner_unit", "owner_committee")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        full = masking.full_view_ids(request.user, page) if page else set()
        serializer = self.get_serializer(
            page, many=True, context={**self.get_serializer_context(), "full_view_ids": full}
        )
        return self.get_paginated_response(serializer.data)

    @extend_schema(request=None)  # responds with the record, as the viewset's serializer shows it
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        record = self.get_object()
        return self._change(lambda: services.publish_record(record, by=request.user))

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        record = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._change(
            lambda: services.withdraw_record(record, by=request.user, reason=body.validated_data["reason"])
        )

    def _change(self, change):
        record = change()
        return Response(self.get_serializer(record).data, status=status.HTTP_200_OK)


class NeedViewSet(RecordViewSet):
    """需求清单 Needs: the user's subtree (secretaries) or own and published within reach (liaisons)."""

    serializer_class = NeedSerializer
    visible = staticmethod(scoping.needs_for)
    queryset = Need.objects.none()


class ResourceViewSet(RecordViewSet):
    """资源清单 Resources, scoped like needs."""

    serializer_class = ResourceSerializer
    visible = staticmethod(scoping.resources_for)
    queryset = Resource.objects.none()
