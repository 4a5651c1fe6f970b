"""The registry and the lists over REST: every queryset from the scoping module; state changes are actions."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from committees import masking, scoping, services
from committees.models import Category, CollectionRound, Membership, Need, Project, Resource, Seat

from .serializers import (
    CategorySerializer,
    CollectionRoundSerializer,
    CommitteeSerializer,
    MembershipSerializer,
    MemberUnitSerializer,
    NeedSerializer,
    ProjectSerializer,
    ReasonSerializer,
    ResourceSerializer,
    SeatSerializer,
)


class CommitteeFilter(filters.FilterSet):
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


class MembershipViewSet(viewsets.ReadOnlyModelViewSet):
    """成员身份 Memberships of units on committees the user may see."""

    serializer_class = MembershipSerializer
    filterset_fields = ["committee", "unit", "role"]
    queryset = Membership.objects.none()

    def get_queryset(self):
        return scoping.memberships_for(self.request.user).order_by("committee__area_code", "pk")


class SeatViewSet(viewsets.ReadOnlyModelViewSet):
    """委员席位 Seats on the committees the user may see."""

    serializer_class = SeatSerializer
    filterset_fields = ["committee", "role", "unit"]
    queryset = Seat.objects.none()

    def get_queryset(self):
        return (
            scoping.seats_for(self.request.user).select_related("user").order_by("committee__area_code", "pk")
        )


class CollectionRoundViewSet(viewsets.ReadOnlyModelViewSet):
    """征集活动 Collection rounds of the user's subtree, or those that asked the user's units."""

    serializer_class = CollectionRoundSerializer
    filterset_fields = ["committee"]
    queryset = CollectionRound.objects.none()

    def get_queryset(self):
        return (
            scoping.rounds_for(self.request.user).prefetch_related("categories").order_by("-opens_on", "-pk")
        )


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """项目清单 Projects of the user's subtree, or those the user's units take part in."""

    serializer_class = ProjectSerializer
    filterset_fields = ["committee", "status", "lead_unit"]
    queryset = Project.objects.none()

    def get_queryset(self):
        return scoping.projects_for(self.request.user).order_by("-starts_on", "-pk")


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """类别 The category taxonomy."""

    serializer_class = CategorySerializer
    queryset = Category.objects.filter(is_active=True)
    pagination_class = None


class RecordViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Shared by needs and resources: list, show, create (a draft), publish and withdraw."""

    filterset_fields = ["status", "category", "committee", "owner_unit", "reach"]
    ordering_fields = ["created_at", "updated_at", "quantity"]
    visible = staticmethod(lambda user: None)

    def get_queryset(self):
        return (
            self.visible(self.request.user)
            .select_related("category", "committee", "owner_unit", "owner_committee")
            .order_by("-created_at", "-pk")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        full = masking.full_view_ids(request.user, page) if page else set()
        serializer = self.get_serializer(
            page, many=True, context={**self.get_serializer_context(), "full_view_ids": full}
        )
        return self.get_paginated_response(serializer.data)

    @extend_schema(request=None, responses={200: None})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        record = self.get_object()
        return self._change(lambda: services.publish_record(record, by=request.user))

    @extend_schema(request=ReasonSerializer, responses={200: None})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        record = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._change(
            lambda: services.withdraw_record(record, by=request.user, reason=body.validated_data["reason"])
        )

    def _change(self, change):
        try:
            record = change()
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
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
