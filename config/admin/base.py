"""The base of every admin in the project: querysets, object permissions and choices from the access policy
(the apps' gates), history that can be read and never written, and only the URL lookups an admin declares.

Why the allow-list: Django's admin accepts any lookup on a related model's primary key in the query string, and a
list that shows a row only when `?secret__startswith=…` matches gives the secret away one character at a time
(an API token, a masked phone number). Here a list accepts the parameters of its own filters and nothing else.
"""

from django.contrib import admin, messages
from django.contrib.admin.filters import FieldListFilter, ListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin


def _declared_parameters(model_admin, request) -> frozenset[str]:
    """The query-string parameters the admin's list filters and date hierarchy read."""
    names: set[str] = set()
    for list_filter in model_admin.get_list_filter(request):
        if isinstance(list_filter, type) and issubclass(list_filter, ListFilter):
            spec = list_filter(request, {}, model_admin.model, model_admin)
            names.update(spec.expected_parameters())
            continue
        if isinstance(list_filter, (tuple, list)):
            path, filter_class = list_filter
        else:
            path, filter_class = list_filter, FieldListFilter.create
        field = get_fields_from_path(model_admin.model, path)[-1]
        spec = filter_class(field, request, {}, model_admin.model, model_admin, field_path=path)
        names.update(spec.expected_parameters())
    if model_admin.date_hierarchy:
        names.update(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    return frozenset(names)


class DeclaredLookupsMixin:
    """Refuse (400) any list lookup that is not a parameter of a declared filter."""

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        cached = getattr(self, "_declared_lookups", None)
        if cached is None:
            cached = self._declared_lookups = _declared_parameters(self, request)
        return lookup in cached


class ReadOnlyHistoryMixin:
    """History pages show what changed, by whom and when; they never save (a revert is a change like any other
    and goes through the forms and services)."""

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def has_change_history_permission(self, request, obj=None) -> bool:
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):
            # No history table (a record changed only by its services): the admin's own log of this object,
            # after the same permission check.
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its fields where the form has them, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ServiceWritesMixin:
    """Admin forms check a change with the service's own rules (`check_write`), so a refusal is a form error; the
    save then goes through the service (`save_model` of each admin). Should the service still refuse (a change
    made meanwhile), the transaction is rolled back and the page says why."""

    def check_write(self, request, obj, data: dict) -> None:
        """Raise ValidationError or PermissionDenied where the service would refuse this change."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class CheckedForm(form_class):
            def clean(self):
                data = super().clean()
                try:
                    model_admin.check_write(request, obj, data)
                except ValidationError as error:
                    add_service_errors(self, error)
                except PermissionDenied:
                    self.add_error(NON_FIELD_ERRORS, _("You may not make this change."))
                return data

        CheckedForm.__name__ = form_class.__name__
        return CheckedForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ScopedAdmin(DeclaredLookupsMixin, ReadOnlyHistoryMixin, ServiceWritesMixin, SimpleHistoryAdmin):
    """Base of every model admin: rows, permissions and foreign-key choices come from the gate; writes go through
    the services.

    `view_scope(user)` and `change_scope(user)` return the querysets the user may see and change. Actions change
    nothing unless the user may change (read-only roles keep only the actions marked `read_only`)."""

    view_scope = staticmethod(lambda user: None)
    change_scope = staticmethod(lambda user: None)
    show_full_result_count = False  # the unfiltered count is one more query over a large table
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request) & self.view_scope(request.user)

    def has_module_permission(self, request) -> bool:
        return self.admin_site.access.uses_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        if not self.admin_site.access.uses_admin(request.user):
            return False
        return obj is None or self.view_scope(request.user).filter(pk=obj.pk).exists()

    def has_add_permission(self, request, *args) -> bool:
        return self.admin_site.access.manages_anything(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        if not self.admin_site.access.manages_anything(request.user):
            return False
        return obj is None or self.change_scope(request.user).filter(pk=obj.pk).exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # records are ended or withdrawn, never deleted: their history must stay

    def get_actions(self, request):
        actions = super().get_actions(request)
        for action in self.admin_site.actions_for(self.model):
            name = getattr(action, "__name__", repr(action))
            description = getattr(action, "short_description", name)
            actions.setdefault(name, (action, name, description))
        if not self.admin_site.access.manages_anything(request.user):
            actions = {name: spec for name, spec in actions.items() if getattr(spec[0], "read_only", False)}
        return actions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = self.admin_site.access.choices_for(db_field.remote_field.model, request.user)
        if choices is not None and "queryset" not in kwargs:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedInline(admin.TabularInline):
    """Inline rows limited by the gate; permissions by role, not by Django's per-model permissions."""

    view_scope = staticmethod(lambda user: None)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request) & self.view_scope(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.admin_site.access.uses_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.admin_site.access.manages_anything(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return self.admin_site.access.manages_anything(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = self.admin_site.access.choices_for(db_field.remote_field.model, request.user)
        if choices is not None and "queryset" not in kwargs:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def read_only_action(function):
    """Mark an admin action that changes nothing (an export): read-only roles may run it."""
    function.read_only = True
    return function
