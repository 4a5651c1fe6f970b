"""Personal data in the admin: shown masked on the list, the change page, the history list and a history version
of every row the user may not see in full (committees.masking decides who may)."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from committees import masking


def _masked(obj, name: str) -> str:
    return masking.mask_value(name, getattr(obj, name))


def _listed(obj, name: str) -> str:
    value = getattr(obj, name)
    return value if getattr(obj, "personal_in_full", False) else masking.mask_value(name, value)


class MaskedPersonalDataMixin:
    def _personal_fields(self) -> tuple[str, ...]:
        return masking.PERSONAL_FIELDS_OF[self.model]

    def _masked_for(self, request, obj) -> bool:
        if obj is None:
            return False
        answers = request.__dict__.setdefault(
            "_personal_in_full", {}
        )  # asked many times while one page renders
        key = (type(obj), obj.pk)
        if key not in answers:
            answers[key] = masking.sees_in_full(request.user, obj)
        return not answers[key]

    def get_queryset(self, request):
        in_full = masking.in_full(request.user, self.model).filter(pk=OuterRef("pk"))
        return super().get_queryset(request).annotate(personal_in_full=Exists(in_full))

    def get_list_display(self, request):
        personal = self._personal_fields()
        return [f"listed_{name}" if name in personal else name for name in super().get_list_display(request)]

    def get_search_fields(self, request):
        # Searching a masked value would confirm it (a row appears when the guess is right).
        fields = super().get_search_fields(request)
        if self.admin_site.access.manages_anything(request.user):
            return fields
        personal = self._personal_fields()
        return [field for field in fields if field.lstrip("^=@") not in personal]

    def _replace(self, names, request, obj):
        if not self._masked_for(request, obj):
            return list(names)
        personal = self._personal_fields()
        return [f"masked_{name}" if name in personal else name for name in names]

    def get_fields(self, request, obj=None):
        return self._replace(super().get_fields(request, obj), request, obj)

    def get_fieldsets(self, request, obj=None):
        return self.mask_fieldsets(request, obj, super().get_fieldsets(request, obj))

    def mask_fieldsets(self, request, obj, fieldsets):
        """Fieldsets with the personal fields replaced by their masked display, where the user may not see them."""
        return [
            (title, {**options, "fields": self._replace(options["fields"], request, obj)})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._masked_for(request, obj):
            fields += [f"masked_{name}" for name in self._personal_fields()]
        return fields

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        records = list(historical_records)
        if not records or not self._masked_for(request, records[0].instance):
            return
        labels = {
            str(self.model._meta.get_field(name).verbose_name).lower(): name
            for name in self._personal_fields()
        }
        for record in records:
            for change in getattr(record, "history_delta_changes", None) or []:
                field = labels.get(str(change["field"]).lower())
                if field:
                    change["old"] = masking.mask_value(field, change["old"])
                    change["new"] = masking.mask_value(field, change["new"])

    @admin.display(description=_("contact person"), ordering="contact_name")
    def listed_contact_name(self, obj) -> str:
        return _listed(obj, "contact_name")

    @admin.display(description=_("contact phone"))
    def listed_contact_phone(self, obj) -> str:
        return _listed(obj, "contact_phone")

    @admin.display(description=_("phone"))
    def listed_phone(self, obj) -> str:
        return _listed(obj, "phone")

    @admin.display(description=_("contact person"))
    def masked_contact_name(self, obj) -> str:
        return _masked(obj, "contact_name")

    @admin.display(description=_("contact phone"))
    def masked_contact_phone(self, obj) -> str:
        return _masked(obj, "contact_phone")

    @admin.display(description=_("phone"))
    def masked_phone(self, obj) -> str:
        return _masked(obj, "phone")
