"""API representations of the registry and the lists; ids in a body are resolved only within the user's scope."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from committees import masking, scoping, services, validators
from committees.models import (
    Category,
    CollectionRequest,
    CollectionRound,
    Committee,
    Membership,
    MemberUnit,
    Need,
    Resource,
    Seat,
    User,
)
from config.api.fields import ScopedFieldsMixin, ScopedPrimaryKeyRelatedField


class CommitteeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Committee
        fields = ["id", "level", "parent", "name", "area_code", "claim_window_days", "escalation_days"]


class MemberUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = MemberUnit
        fields = ["id", "name", "credit_code", "kind", "party_org_name", "party_member_count", "address"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "name_en"]


READ_FIELDS = [
    "id",
    "owner_unit",
    "owner_committee",
    "committee",
    "category",
    "title",
    "description",
    "quantity",
    "measure",
    "allocated_quantity",
    "remaining_quantity",
    "beneficiaries",
    "contact_name",
    "contact_phone",
    "reach",
    "status",
    "status_reason",
    "published_at",
    "created_at",
    "updated_at",
]


OWNER_HELP = (
    "Exactly one of owner_unit and owner_committee: a unit you act for, or a committee you manage (then "
    "`committee` is the same committee)."
)
MANAGED_COMMITTEE = {"not_allowed": _("You may not act for this committee.")}
MANAGED_UNIT = {"not_allowed": _("You may not act for this unit.")}


class RecordSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """Create and show a need or resource; contacts are masked unless the user may see them in full."""

    remaining_quantity = serializers.IntegerField(read_only=True)
    owner_unit = ScopedPrimaryKeyRelatedField(
        queryset=MemberUnit.objects.none(),
        required=False,
        allow_null=True,
        help_text=OWNER_HELP,
        error_messages=MANAGED_UNIT,
    )
    owner_committee = ScopedPrimaryKeyRelatedField(
        queryset=Committee.objects.none(),
        required=False,
        allow_null=True,
        help_text=OWNER_HELP,
        error_messages=MANAGED_COMMITTEE,
    )
    committee = serializers.PrimaryKeyRelatedField(queryset=Committee.objects.none())
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True))
    collection_request = serializers.PrimaryKeyRelatedField(
        queryset=CollectionRequest.objects.none(),
        required=False,
        allow_null=True,
        help_text="The collection request this record answers (征集回复), if any.",
    )

    # Only ids within the user's scope validate (config.api.fields).
    scoped_fields = {
        "owner_unit": (scoping.units_for, scoping.units_to_manage),
        "owner_committee": (scoping.committees_for, scoping.committees_to_manage),
        "committee": scoping.committees_for,
        "collection_request": scoping.collection_requests_for,
    }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        full = self.context.get("full_view_ids")
        if request is not None and (full is None or instance.pk not in full):
            if full is not None or not masking.sees_in_full(request.user, instance):
                for field in masking.PERSONAL_FIELDS:
                    data[field] = masking.mask_value(field, data[field])
        return data

    def create(self, validated_data):
        model = self.Meta.model
        owner = {key: validated_data.pop(key, None) for key in ("owner_unit", "owner_committee")}
        committee = validated_data.pop("committee")
        answering = validated_data.pop("collection_request", None)
        try:
            return services.create_record(
                model,
                by=self.context["request"].user,
                committee=committee,
                collection_request=answering,
                **owner,
                **validated_data,
            )
        except PermissionDenied as error:
            raise serializers.ValidationError(
                {"owner_unit": [_("You may not publish for this owner.")]}
            ) from error


QUANTITY = {"quantity": {"error_messages": {"min_value": _("Enter a quantity of at least 1.")}}}


class NeedSerializer(RecordSerializer):
    class Meta:
        model = Need
        fields = [*READ_FIELDS, "deadline", "urgency", "source", "collection_request"]
        read_only_fields = [
            "allocated_quantity",
            "status",
            "status_reason",
            "published_at",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = QUANTITY


class ResourceSerializer(RecordSerializer):
    class Meta:
        model = Resource
        fields = [*READ_FIELDS, "kind", "available_from", "available_until", "booking", "collection_request"]
        read_only_fields = NeedSerializer.Meta.read_only_fields
        extra_kwargs = QUANTITY


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, validators=[validators.validate_single_line])


class MembershipSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """Create with a committee and a unit you manage; afterwards only the role changes (PATCH), and the membership
    ends with POST …/end/ (it stays for the record)."""

    unit = ScopedPrimaryKeyRelatedField(queryset=MemberUnit.objects.none(), error_messages=MANAGED_UNIT)
    committee = ScopedPrimaryKeyRelatedField(
        queryset=Committee.objects.none(), error_messages=MANAGED_COMMITTEE
    )

    class Meta:
        model = Membership
        fields = ["id", "unit", "committee", "role", "since", "until"]
        read_only_fields = ["until"]

    # Only ids within the user's scope validate (config.api.fields).
    scoped_fields = {
        "unit": (scoping.units_for, scoping.units_to_manage),
        "committee": (scoping.committees_for, scoping.committees_to_manage),
    }


class MembershipChangeSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class SeatSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """Create with a committee you manage and a person you may see (`user`); afterwards only the position changes
    (PATCH), and the seat ends with POST …/end/. A new role is a new seat."""

    person = serializers.CharField(source="user.get_full_name", read_only=True)
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), write_only=True)
    committee = ScopedPrimaryKeyRelatedField(
        queryset=Committee.objects.none(), error_messages=MANAGED_COMMITTEE
    )
    unit = ScopedPrimaryKeyRelatedField(
        queryset=MemberUnit.objects.none(), required=False, allow_null=True, error_messages=MANAGED_UNIT
    )

    class Meta:
        model = Seat
        fields = ["id", "committee", "user", "person", "role", "unit", "position", "since", "until"]
        read_only_fields = ["until"]

    # Only ids within the user's scope validate (config.api.fields).
    scoped_fields = {
        "committee": (scoping.committees_for, scoping.committees_to_manage),
        "user": scoping.people_for,
        "unit": (scoping.units_for, scoping.units_to_manage),
    }


class SeatChangeSerializer(serializers.Serializer):
    position = serializers.CharField(
        max_length=100, allow_blank=True, validators=[validators.validate_single_line]
    )


class EndSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="The last day (today if not given).")


class CollectionRequestSerializer(serializers.ModelSerializer):
    """A unit's request within a round and its answer: needs or resources created with `collection_request`, or
    POST …/nothing-this-time/."""

    answered_by = serializers.CharField(
        source="answered_by.get_full_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = CollectionRequest
        fields = ["id", "round", "unit", "answered_at", "answered_by", "nothing_this_time"]
        read_only_fields = fields


class CollectionRoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = CollectionRound
        fields = ["id", "committee", "title", "description", "opens_on", "closes_on", "categories"]
