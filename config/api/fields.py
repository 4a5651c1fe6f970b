"""Related fields resolved within the user's scope: an id the user may not see "does not exist" (a 400 that
tells nothing), an id the user may see but not act for is named as such."""

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
