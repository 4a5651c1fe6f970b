"""The departments' register (吹哨报到) in the admin: kept by the district's secretaries, read by the streets they
cover; the people on duty as inline duty seats. Writes go through committees.services.departments."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees import scoping
from committees.ledgers import departments as departments_ledger
from committees.models import Department, DutySeat, Level
from committees.services import departments as service
from config.admin.base import ScopedAdmin, read_only_action
from config.admin.site import admin_site


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "kind", "district", "streets", "duty_phone", "address", "is_active"]


@admin.register(Department, site=admin_site)
class DepartmentAdmin(ScopedAdmin):
    form = DepartmentForm
    view_scope = staticmethod(scoping.departments_for)
    change_scope = staticmethod(scoping.departments_to_manage)
    list_display = ["name", "kind", "district", "duty_phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    list_select_related = ["district"]
    filter_horizontal = ["streets"]
    actions = ["export_ledger"]

    @read_only_action
    @admin.action(description=_("Export selected departments as a ledger (xlsx)"))
    def export_ledger(self, request, queryset):
        return departments_ledger.departments_response(queryset)

    def get_readonly_fields(self, request, obj=None):
        return ["district"] if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district":
            kwargs["queryset"] = scoping.committees_to_manage(request.user).filter(level=Level.DISTRICT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "streets":
            kwargs["queryset"] = scoping.committees_to_manage(request.user).filter(level=Level.STREET)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def check_write(self, request, obj, data):
        district = obj.district if obj else data.get("district")
        if district is not None:
            service.check_department(by=request.user, district=district, streets=data.get("streets") or [])

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name] for name in service.DEPARTMENT_FIELDS if name in form.cleaned_data
        }
        saved = service.save_department(
            by=request.user,
            department=Department.objects.get(pk=obj.pk) if change else None,
            district=None if change else form.cleaned_data["district"],
            streets=form.cleaned_data.get("streets") or [],
            **fields,
        )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        pass  # the streets are set by the service


@admin.register(DutySeat, site=admin_site)
class DutySeatAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.duty_seats_for)
    change_scope = staticmethod(scoping.duty_seats_to_manage)
    list_display = ["user", "role", "department", "position", "since", "until"]
    list_filter = ["role"]
    search_fields = ["user__name", "user__username", "department__name"]
    list_select_related = ["user", "department"]
    autocomplete_fields = ["user"]
    fields = ["department", "role", "user", "position", "since", "until"]
    actions = ["end_today"]

    def get_readonly_fields(self, request, obj=None):
        return ["department", "role", "user", "position", "since", "until"] if obj else ["until"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = scoping.departments_to_manage(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def check_write(self, request, obj, data):
        if obj is None and data.get("department") and data.get("user"):
            service.check_new_duty_seat(by=request.user, department=data["department"], user=data["user"])

    def save_model(self, request, obj, form, change):
        if change:
            return
        saved = service.add_duty_seat(
            by=request.user,
            department=form.cleaned_data["department"],
            user=form.cleaned_data["user"],
            role=form.cleaned_data["role"],
            position=form.cleaned_data.get("position", ""),
            since=form.cleaned_data.get("since"),
        )
        obj.pk = saved.pk

    @admin.action(description=_("End the selected duty seats today"))
    def end_today(self, request, queryset):
        ended = service.end_duty_seats(seats=queryset, by=request.user, on=timezone.localdate())
        self.message_user(request, _("%(count)d duty seats ended.") % {"count": ended}, messages.SUCCESS)
