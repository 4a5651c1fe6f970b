"""吹哨报到 over REST: summons, each department's part, handling records, the departments' figures."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from committees import masking, validators
from committees.models import Committee, Department, Need
from config.api.fields import ScopedFieldsMixin, ScopedPrimaryKeyRelatedField
from matching import scoping
from matching.models import DepartmentFigures, Summons, SummonsPart, SummonsRecord, validate_photo


class SummonsPartListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        request = self.context.get("request")
        parts = list(data.all() if hasattr(data, "all") else data)
        unmasked = [part for part in parts if getattr(part, "is_masked", None) is None]
        if request is not None and unmasked:
            masking.apply_masks(request.user, unmasked)  # one query for the whole page
        return [self.child.to_representation(part) for part in parts]


class SummonsPartSerializer(serializers.ModelSerializer):
    """Whom the department sends is personal data: in full to the summoning committee's secretaries and the
    department, masked to everyone else (committees/masking.py)."""

    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = SummonsPart
        fields = [
            "id",
            "summons",
            "department",
            "department_name",
            "status",
            "attendee_name",
            "attendee_phone",
            "reported_at",
            "finished_at",
            "unable_reason",
            "reminded_at",
            "escalated_at",
            "timeliness",
            "attitude",
            "result",
            "rated_at",
        ]
        read_only_fields = fields
        list_serializer_class = SummonsPartListSerializer

    def to_representation(self, part):
        request = self.context.get("request")
        if request is not None and getattr(part, "is_masked", None) is None:
            masking.apply_masks(request.user, [part])
        return super().to_representation(part)


class SummonsListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        request = self.context.get("request")
        summonses = list(data.all() if hasattr(data, "all") else data)
        if request is not None:  # the attendees of the whole page masked in one query
            masking.apply_masks(request.user, [p for s in summonses for p in getattr(s, "visible_parts", [])])
        return [self.child.to_representation(summons) for summons in summonses]


class SummonsSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """Raise a summons (POST) for a committee you manage, to departments covering it; deadlines default to the
    committee's rules. `parts` lists the departments' parts you may see (a department: its own only)."""

    committee = ScopedPrimaryKeyRelatedField(queryset=Committee.objects.none())
    departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.none(), many=True, write_only=True
    )
    need = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    passed_up_to = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    report_due_at = serializers.DateTimeField(required=False)
    resolve_due_at = serializers.DateTimeField(required=False)
    parts = SummonsPartSerializer(source="visible_parts", many=True, read_only=True)

    class Meta:
        model = Summons
        fields = [
            "id",
            "committee",
            "title",
            "description",
            "place",
            "category",
            "urgency",
            "report_due_at",
            "resolve_due_at",
            "departments",
            "need",
            "status",
            "raised_at",
            "closed_at",
            "closing_note",
            "passed_up_to",
            "parts",
        ]
        read_only_fields = ["status", "raised_at", "closed_at", "closing_note"]
        list_serializer_class = SummonsListSerializer

    def to_representation(self, summons):
        request = self.context.get("request")
        parts = [p for p in getattr(summons, "visible_parts", []) if getattr(p, "is_masked", None) is None]
        if request is not None and parts:
            masking.apply_masks(request.user, parts)
        return super().to_representation(summons)

    # Only ids within the user's scope validate (config.api.fields).
    scoped_fields = {
        "committee": (scoping.committees_for, scoping.committees_to_manage),
        "departments": scoping.departments_for,
    }


class SummonsFromNeedSerializer(ScopedFieldsMixin, serializers.Serializer):
    need = serializers.PrimaryKeyRelatedField(queryset=Need.objects.none())
    departments = serializers.PrimaryKeyRelatedField(queryset=Department.objects.none(), many=True)
    category = serializers.ChoiceField(choices=Summons.Category.choices)
    urgency = serializers.ChoiceField(choices=Summons.Urgency.choices, default=Summons.Urgency.ORDINARY)
    place = serializers.CharField(
        max_length=200, required=False, default="", validators=[validators.validate_single_line]
    )

    scoped_fields = {"need": scoping.needs_for, "departments": scoping.departments_for}


class PassUpSerializer(serializers.Serializer):
    """`departments`: of those the committee above may summon (the view sets them from the summons)."""

    departments = serializers.PrimaryKeyRelatedField(queryset=Department.objects.none(), many=True)
    reason = serializers.CharField(max_length=1000, validators=[validators.validate_text])

    def __init__(self, *args, above=None, **kwargs):
        super().__init__(*args, **kwargs)
        if above is not None:
            self.fields["departments"].child_relation.queryset = scoping.departments_to_summon(above)


class RatingSerializer(serializers.Serializer):
    part = serializers.IntegerField()
    timeliness = serializers.IntegerField(min_value=1, max_value=5)
    attitude = serializers.IntegerField(min_value=1, max_value=5)
    result = serializers.IntegerField(min_value=1, max_value=5)


class CloseSerializer(serializers.Serializer):
    resolved = serializers.BooleanField()
    note = serializers.CharField(
        max_length=1000, required=False, default="", allow_blank=True, validators=[validators.validate_text]
    )
    ratings = RatingSerializer(many=True, required=False, default=list)


class ReportSerializer(serializers.Serializer):
    attendee_name = serializers.CharField(max_length=50, validators=[validators.validate_single_line])
    attendee_phone = serializers.CharField(
        max_length=30, required=False, default="", allow_blank=True, validators=[validators.validate_phone]
    )


class FinishSerializer(serializers.Serializer):
    done = serializers.BooleanField()
    reason = serializers.CharField(
        max_length=1000, required=False, default="", allow_blank=True, validators=[validators.validate_text]
    )


class RateSerializer(serializers.Serializer):
    timeliness = serializers.IntegerField(min_value=1, max_value=5)
    attitude = serializers.IntegerField(min_value=1, max_value=5)
    result = serializers.IntegerField(min_value=1, max_value=5)


class SummonsRecordSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """What a department did on its part (JSON, or multipart with a photo)."""

    part = serializers.PrimaryKeyRelatedField(queryset=SummonsPart.objects.none())
    photo = serializers.FileField(
        write_only=True, required=False, validators=[validate_photo], help_text="JPEG or PNG, at most 5 MB"
    )
    photo_url = serializers.SerializerMethodField()

    class Meta:
        model = SummonsRecord
        fields = ["id", "part", "text", "photo", "photo_url", "created_by", "created_at"]
        read_only_fields = ["created_by", "created_at"]

    scoped_fields = {"part": scoping.summons_parts_for}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_photo_url(self, record) -> str | None:
        return reverse("summons_record_photo", args=[record.pk]) if record.photo else None


class DepartmentFiguresSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    on_time_rate = serializers.FloatField(read_only=True, allow_null=True)
    resolution_rate = serializers.FloatField(read_only=True, allow_null=True)
    satisfaction_rate = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = DepartmentFigures
        fields = [
            "id",
            "department",
            "department_name",
            "period",
            "summons_received",
            "reported_on_time",
            "resolved",
            "ratings",
            "ratings_satisfied",
            "on_time_rate",
            "resolution_rate",
            "satisfaction_rate",
            "median_hours_to_report",
            "median_hours_to_resolve",
            "computed_at",
        ]
        read_only_fields = fields
