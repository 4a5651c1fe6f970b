"""双报到 over REST: organisation reports and commitments, party members' reports (masked), community tasks,
sign-ups and hours. Same gate, services and masking as the pages."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from committees import masking, validators
from committees.models import (
    Category,
    Committee,
    Level,
    Measure,
    MemberReport,
    MemberUnit,
    Need,
    OrganisationReport,
)
from committees.models.reporting import Skill
from config.api.fields import ScopedFieldsMixin, ScopedPrimaryKeyRelatedField
from matching import scoping
from matching.models import CommunityTask, SignUp


def _communities(user):
    return Committee.objects.filter(level=Level.COMMUNITY)


class OrganisationReportSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    unit = ScopedPrimaryKeyRelatedField(queryset=MemberUnit.objects.none())
    community = ScopedPrimaryKeyRelatedField(queryset=Committee.objects.none())
    commitments = serializers.SerializerMethodField()

    class Meta:
        model = OrganisationReport
        fields = ["id", "unit", "community", "year", "note", "commitments", "reported_at"]
        read_only_fields = ["year", "reported_at"]

    scoped_fields = {
        "unit": (scoping.units_for, scoping.units_to_manage),
        "community": scoping.committees_for,
    }

    def get_commitments(self, report) -> list[int]:
        return [c.resource_id for c in report.commitments.all()]


class CommitmentSerializer(serializers.Serializer):
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(is_active=True)
    )
    title = serializers.CharField(max_length=100, validators=[validators.validate_single_line])
    description = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    quantity = serializers.IntegerField(min_value=1, max_value=100000, default=1)
    measure = serializers.ChoiceField(choices=Measure.choices, default=Measure.SESSIONS)


class MemberReportSerializer(serializers.ModelSerializer):
    """Name, phone and address masked unless the user may see them (the unit's liaison: never the address)."""

    community = serializers.PrimaryKeyRelatedField(queryset=Committee.objects.none())
    unit = serializers.PrimaryKeyRelatedField(
        queryset=MemberUnit.objects.all(), required=False, allow_null=True
    )
    skills = serializers.MultipleChoiceField(choices=Skill.choices, required=False)

    class Meta:
        model = MemberReport
        fields = [
            "id",
            "community",
            "name",
            "phone",
            "address",
            "unit",
            "unit_name",
            "skills",
            "availability",
            "commitment",
            "status",
            "created_at",
            "confirmed_at",
        ]
        read_only_fields = ["status", "created_at", "confirmed_at"]

    def get_fields(self):
        fields = super().get_fields()
        fields["community"].queryset = Committee.objects.filter(level=Level.COMMUNITY)
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["skills"] = instance.skill_codes
        return data


class RejectReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, validators=[validators.validate_text])


class CommunityTaskSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    community = ScopedPrimaryKeyRelatedField(queryset=Committee.objects.none())
    need = ScopedPrimaryKeyRelatedField(queryset=Need.objects.none(), required=False, allow_null=True)
    skill = serializers.ChoiceField(choices=Skill.choices, required=False, allow_blank=True)

    class Meta:
        model = CommunityTask
        fields = [
            "id",
            "community",
            "title",
            "description",
            "place",
            "starts_at",
            "ends_at",
            "people_wanted",
            "signed_up_count",
            "filled_at",
            "skill",
            "urgent",
            "street_wide",
            "need",
            "status",
            "created_at",
        ]
        read_only_fields = ["signed_up_count", "filled_at", "status", "created_at"]

    scoped_fields = {
        "community": (scoping.committees_for, scoping.committees_to_manage),
        "need": (scoping.needs_for, scoping.needs_to_manage),
    }


class MobiliseSerializer(serializers.Serializer):
    street_wide = serializers.BooleanField(default=False)


class MobilisedSerializer(serializers.Serializer):
    notified = serializers.IntegerField()


class SignUpSerializer(serializers.ModelSerializer):
    member_name = serializers.SerializerMethodField()

    class Meta:
        model = SignUp
        fields = ["id", "task", "member", "member_name", "status", "checked_in_at", "hours", "confirmed_at"]
        read_only_fields = fields

    def get_member_name(self, entry) -> str:
        visible = self.context.get("visible_members")
        if visible is None:
            return masking.mask_name(entry.member.name)
        return entry.member.name if entry.member_id in visible else masking.mask_name(entry.member.name)


class HoursSerializer(serializers.Serializer):
    hours = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        required=False,
        allow_null=True,
        help_text=_("Leave empty for the task's length."),
    )
