"""The departments' register over REST (吹哨报到): read by those the gate lets see it, kept by the district's
secretaries through committees.services.departments."""

from rest_framework import mixins, serializers, viewsets

from committees import scoping
from committees.models import Committee, Department
from committees.services import departments as service
from config.api.fields import ScopedFieldsMixin, ScopedPrimaryKeyRelatedField


class DepartmentSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """Create with a district you manage and streets of it; `kind` is a department or a local station."""

    district = ScopedPrimaryKeyRelatedField(queryset=Committee.objects.none())
    streets = serializers.PrimaryKeyRelatedField(queryset=Committee.objects.none(), many=True, required=False)

    class Meta:
        model = Department
        fields = ["id", "name", "kind", "district", "streets", "duty_phone", "address", "is_active"]
        validators = []  # the service checks the unique name per district (a 400 either way)

    # Only ids within the user's scope validate (config.api.fields).
    scoped_fields = {
        "district": (scoping.committees_for, scoping.committees_to_manage),
        "streets": scoping.committees_to_manage,
    }


class DepartmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """职能部门 Departments and stations: a district's own (its secretaries), those covering a street (its
    secretaries), or the department one acts for. District secretaries register them (POST)."""

    serializer_class = DepartmentSerializer
    filterset_fields = ["kind", "district", "is_active"]
    ordering_fields = ["name"]
    queryset = Department.objects.none()

    def get_queryset(self):
        return (
            scoping.departments_for(self.request.user)
            .prefetch_related("streets")
            .order_by("district__area_code", "name", "pk")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = service.save_department(
            by=self.request.user,
            district=data["district"],
            streets=data.get("streets", []),
            **{name: data[name] for name in service.DEPARTMENT_FIELDS if name in data},
        )
