"""Related ids resolved within the requesting user's scope, declared once per serializer:

    class SeatSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
        committee = ScopedPrimaryKeyRelatedField(queryset=Committee.objects.none())
        scoped_fields = {
            "committee": (scoping.committees_for, scoping.committees_to_manage),  # (may see, may act for)
            "user": scoping.people_for,  # may see and use
        }

Each scope is a gate function (user → queryset). An id the user may not see "does not exist" (a 400 that tells
nothing); an id the user may see but not act for is named as such (a 400 too). The `queryset` given to a field is
only the model hint for the schema.
"""

from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """`queryset` holds what the user may see, `allowed` what the user may act for (both set per request)."""

    default_error_messages = {"not_allowed": _("You may not act for this record.")}

    def __init__(self, *, allowed=None, **kwargs):
        self.allowed = allowed
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        instance = super().to_internal_value(data)
        if self.allowed is not None and not self.allowed.filter(pk=instance.pk).exists():
            self.fail("not_allowed")
        return instance

    def limit(self, *, visible, allowed) -> None:
        self.queryset, self.allowed = visible, allowed


class ScopedFieldsMixin:
    scoped_fields: dict = {}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        for name, scope in self.scoped_fields.items():
            relation = getattr(fields[name], "child_relation", fields[name])
            if request is None:
                relation.queryset = relation.queryset.none()
            elif isinstance(scope, tuple):
                visible, allowed = scope
                relation.limit(
                    visible=_when_used(visible, request.user), allowed=_when_used(allowed, request.user)
                )
            else:
                relation.queryset = _when_used(scope, request.user)
        return fields


def _when_used(gate, user):
    """The gate's queryset, built when a field first reads it (an id to check, a form's choices). A list only shows
    ids: building six scoped querysets per serializer was most of a page of needs' time at city scale."""
    return SimpleLazyObject(lambda: gate(user))
