"""Related ids that validate only within what the requesting user may use, declared once per serializer.

    class SeatSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
        scoped_fields = {"committee": scoping.committees_to_manage, "user": scoping.people_for}

Each `scope(user)` is a gate function (a queryset of what the user may act on): an id outside it is "does not
exist", a 400 with the field's message, never a 404 and never a hint of what exists elsewhere.
"""


class ScopedFieldsMixin:
    scoped_fields: dict = {}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        for name, scope in self.scoped_fields.items():
            relation = getattr(fields[name], "child_relation", fields[name])
            relation.queryset = scope(request.user) if request is not None else relation.queryset.none()
        return fields
