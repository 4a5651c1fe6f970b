"""The secretaries' admin: display and scoping only; every queryset, choice list and filter comes from scoping."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from committees import ledgers, scoping, services
from committees.models import Committee, Membership, MemberUnit, Seat, User
from config.admin.base import ScopedAdmin, ScopedInline, read_only_action
from config.admin.site import admin_site

from .export_actions import export_in_full_with_purpose
from .filters import CurrentFilter, InScopeCommitteeFilter, UnitCommitteeFilter
from .masking import MaskedPersonalDataMixin


def _count(model, field: str, **filters):
    rows = model.objects.current().filter(**{field: OuterRef("pk")}, **filters).order_by()
    counted = rows.values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- Committees ----------------------------------------------------------------------------------------------


class MembershipListInline(ScopedInline):
    model = Membership
    view_scope = staticmethod(scoping.memberships_for)
    fields = readonly_fields = ["unit", "role", "since", "until"]
    show_change_link = True
    verbose_name_plural = _("member units")
    classes = ["collapse"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("unit", "committee")
            .order_by("until", "role", "unit__name")
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # added on the unit's page or in memberships, where the unit is chosen


class SeatListInline(ScopedInline):
    model = Seat
    view_scope = staticmethod(scoping.seats_for)
    fields = readonly_fields = ["role", "user", "position", "unit", "since", "until"]
    show_change_link = True
    verbose_name_plural = _("seats")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user", "unit", "committee")
            .order_by("until", "role")
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Committee, site=admin_site)
class CommitteeAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.committees_for)
    change_scope = staticmethod(scoping.committees_to_manage)
    list_display = ["tree_name", "level", "area_code", "parent", "unit_count", "seat_count"]
    list_filter = ["level"]
    search_fields = ["name", "^area_code"]
    list_select_related = ["parent"]
    ordering = ["area_code"]
    autocomplete_fields = ["parent"]
    fields = ["level", "parent", "name", "area_code", "address", "claim_window_days"]
    inlines = [SeatListInline, MembershipListInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(unit_total=_count(Membership, "committee"), seat_total=_count(Seat, "committee"))
        )

    @admin.display(description=_("committee"), ordering="area_code")
    def tree_name(self, obj: Committee) -> str:
        indent = "\u3000\u3000" * obj.depth
        return format_html("{}{}{}", indent, "└ " if obj.depth else "", obj.name)

    @admin.display(description=_("member units"), ordering="unit_total")
    def unit_count(self, obj: Committee) -> int:
        return obj.unit_total

    @admin.display(description=_("seats"), ordering="seat_total")
    def seat_count(self, obj: Committee) -> int:
        return obj.seat_total

    def get_readonly_fields(self, request, obj=None):
        # The place in the tree is fixed once created: children's codes and every subtree filter depend on it.
        return sorted(services.COMMITTEE_PLACE_FIELDS) if obj and not request.user.is_superuser else []

    def check_write(self, request, obj, data):
        if obj is None:
            services.check_new_committee(by=request.user, parent=data.get("parent"))
        else:
            services.check_committee_change(obj, by=request.user, fields=data)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        if change:
            saved = services.update_committee(obj, by=request.user, **data)
        else:
            fields = {
                name: form.cleaned_data[name]
                for name in services.COMMITTEE_FIELDS
                if name in form.cleaned_data
            }
            saved = services.create_committee(
                by=request.user,
                level=form.cleaned_data["level"],
                parent=form.cleaned_data.get("parent"),
                area_code=form.cleaned_data["area_code"],
                **fields,
            )
        obj.pk = saved.pk


# --- Member units --------------------------------------------------------------------------------------------


class MembershipRowForm(forms.ModelForm):
    """A new row adds a membership; on an existing one only the role changes (it ends through the list's action)."""

    class Meta:
        model = Membership
        fields = ["committee", "role", "since", "until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("committee", "since", "until"):
                self.fields[name].disabled = True
        else:
            self.fields["until"].disabled = True


class MembershipInline(ScopedInline):
    model = Membership
    form = MembershipRowForm
    view_scope = staticmethod(scoping.memberships_for)
    fields = ["committee", "role", "since", "until"]
    autocomplete_fields = ["committee"]
    extra = 0
    min_num = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("committee", "unit")


class UnitSeatInline(SeatListInline):
    verbose_name_plural = _("people representing the unit")


@admin.register(MemberUnit, site=admin_site)
class MemberUnitAdmin(MaskedPersonalDataMixin, ScopedAdmin):
    view_scope = staticmethod(scoping.units_for)
    change_scope = staticmethod(scoping.units_to_manage)
    list_display = ["name", "credit_code", "kind", "party_member_count", "contact_name", "committees_list"]
    list_filter = [UnitCommitteeFilter, "kind"]
    search_fields = ["name", "=credit_code", "party_org_name"]
    fieldsets = [
        (None, {"fields": ["name", "credit_code", "kind"]}),
        (_("Party organisation"), {"fields": ["party_org_name", "party_member_count"]}),
        (_("Contact"), {"fields": ["address", "contact_name", "contact_phone"]}),
    ]
    inlines = [MembershipInline, UnitSeatInline]
    actions = ["export_ledger", "export_ledger_in_full"]

    def get_queryset(self, request):
        current = Membership.objects.current().select_related("committee").order_by("committee__area_code")
        visible = current & scoping.memberships_for(request.user)
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("memberships", queryset=visible, to_attr="visible_memberships"))
        )

    @admin.display(description=_("committees"))
    def committees_list(self, obj: MemberUnit) -> str:
        return "、".join(m.committee.name for m in obj.visible_memberships)

    def get_inlines(self, request, obj=None):
        return self.inlines if obj else []  # a new unit joins through the committee chosen on its form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)  # contacts masked where the user may not see them
        if obj is not None:
            return fieldsets
        return [(_("Joins the committee"), {"fields": ["committee", "role"]}), *fieldsets]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        kwargs["fields"] = [name for name in services.UNIT_FIELDS]
        form_class = super().get_form(request, obj, change=change, **kwargs)
        return type(
            "NewUnitForm",
            (form_class,),
            {
                "committee": forms.ModelChoiceField(
                    queryset=scoping.committees_to_manage(request.user), label=_("committee")
                ),
                "role": forms.ChoiceField(
                    choices=Membership.Role.choices, initial=Membership.Role.MEMBER_UNIT, label=_("role")
                ),
            },
        )

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.UNIT_FIELDS if name in form.cleaned_data}
        if change:
            changed = {name: value for name, value in fields.items() if name in form.changed_data}
            saved = services.update_unit(obj, by=request.user, **changed)
        else:
            saved = services.register_unit(
                by=request.user,
                committee=form.cleaned_data["committee"],
                role=form.cleaned_data["role"],
                **fields,
            )
        obj.pk = saved.pk

    def save_formset(self, request, form, formset, change):
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # for the log
        if formset.model is not Membership:
            return  # the people inline is read-only
        for row in formset.forms:
            if not row.has_changed() or not row.cleaned_data or row.cleaned_data.get("DELETE"):
                continue
            if row.instance.pk:
                services.change_membership(row.instance, by=request.user, role=row.cleaned_data["role"])
            else:
                services.add_membership(
                    by=request.user,
                    unit=form.instance,
                    committee=row.cleaned_data["committee"],
                    role=row.cleaned_data["role"],
                    since=row.cleaned_data.get("since"),
                )

    @read_only_action
    @admin.action(description=_("Export selected units as a ledger (xlsx, contacts masked)"))
    def export_ledger(self, request, queryset):
        return ledgers.member_units_response(request.user, queryset.prefetch_related(None))

    @admin.action(description=_("Export with personal data in full…"), permissions=["export_in_full"])
    def export_ledger_in_full(self, request, queryset):
        return export_in_full_with_purpose(
            self,
            request,
            queryset,
            lambda purpose, filters: ledgers.member_units_in_full_response(
                request.user, queryset.prefetch_related(None), purpose=purpose, filters=filters
            ),
        )

    def has_export_in_full_permission(self, request) -> bool:
        return scoping.scope_of(request.user).manages_anything


@admin.register(Membership, site=admin_site)
class MembershipAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.memberships_for)
    change_scope = staticmethod(scoping.memberships_to_manage)
    list_display = ["unit", "committee", "role", "since", "until"]
    list_filter = [InScopeCommitteeFilter, CurrentFilter, "role"]
    search_fields = ["unit__name", "=unit__credit_code", "committee__name"]
    list_select_related = ["unit", "committee"]
    autocomplete_fields = ["unit", "committee"]
    actions = ["end_today"]

    def get_readonly_fields(self, request, obj=None):
        return ["unit", "committee", "since", "until"] if obj else ["until"]

    def check_write(self, request, obj, data):
        if obj is None and data.get("unit") and data.get("committee"):
            services.check_new_membership(by=request.user, unit=data["unit"], committee=data["committee"])

    def save_model(self, request, obj, form, change):
        if change:
            saved = services.change_membership(obj, by=request.user, role=form.cleaned_data["role"])
        else:
            saved = services.add_membership(
                by=request.user,
                unit=form.cleaned_data["unit"],
                committee=form.cleaned_data["committee"],
                role=form.cleaned_data["role"],
                since=form.cleaned_data.get("since"),
            )
        obj.pk = saved.pk

    @admin.action(description=_("End the selected memberships today"))
    def end_today(self, request, queryset):
        ended = services.end_memberships(memberships=queryset, by=request.user, on=timezone.localdate())
        self.message_user(request, _("%(count)d memberships ended.") % {"count": ended}, messages.SUCCESS)


@admin.register(Seat, site=admin_site)
class SeatAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.seats_for)
    change_scope = staticmethod(scoping.seats_to_manage)
    list_display = ["user", "role", "committee", "unit", "position", "since", "until"]
    list_filter = [InScopeCommitteeFilter, CurrentFilter, "role"]
    search_fields = ["user__name", "user__username", "committee__name", "unit__name"]
    list_select_related = ["user", "committee", "unit"]
    autocomplete_fields = ["committee", "user", "unit"]
    fields = ["committee", "role", "user", "unit", "position", "since", "until"]
    actions = ["end_today"]

    def get_readonly_fields(self, request, obj=None):
        return ["committee", "role", "user", "unit", "since", "until"] if obj else ["until"]

    def check_write(self, request, obj, data):
        if obj is None and data.get("committee") and data.get("user"):
            services.check_new_seat(
                by=request.user, committee=data["committee"], user=data["user"], unit=data.get("unit")
            )

    def save_model(self, request, obj, form, change):
        if change:
            saved = services.change_seat(obj, by=request.user, position=form.cleaned_data.get("position", ""))
        else:
            saved = services.add_seat(
                by=request.user,
                committee=form.cleaned_data["committee"],
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                unit=form.cleaned_data.get("unit"),
                position=form.cleaned_data.get("position", ""),
                since=form.cleaned_data.get("since"),
            )
        obj.pk = saved.pk

    @admin.action(description=_("End the selected seats today"))
    def end_today(self, request, queryset):
        ended = services.end_seats(seats=queryset, by=request.user, on=timezone.localdate())
        self.message_user(request, _("%(count)d seats ended.") % {"count": ended}, messages.SUCCESS)


# --- People --------------------------------------------------------------------------------------------------


class PersonCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "name", "phone", "email", "registered_by"]


@admin.register(User, site=admin_site)
class PersonAdmin(MaskedPersonalDataMixin, ScopedAdmin, UserAdmin):
    view_scope = staticmethod(scoping.people_for)
    change_scope = staticmethod(scoping.people_to_manage)
    add_form = PersonCreationForm
    list_display = ["username", "name", "phone", "email", "is_active", "registered_by"]
    list_filter = ["is_active"]
    search_fields = ["username", "name", "phone"]
    list_select_related = ["registered_by"]
    autocomplete_fields = ["registered_by"]
    ordering = ["username"]
    readonly_fields = ["last_login", "date_joined"]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "name", "phone", "email", "registered_by", "password1", "password2"],
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        fieldsets = [
            (None, {"fields": ["username", "password"]}),
            (_("Person"), {"fields": ["name", "phone", "email", "registered_by", "is_active"]}),
            (_("Dates"), {"fields": ["last_login", "date_joined"]}),
        ]
        if request.user.is_superuser:
            fieldsets.append((_("Administrator"), {"fields": ["is_superuser", "is_staff"]}))
        return self.mask_fieldsets(request, obj, fieldsets)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "registered_by" in form.base_fields and not request.user.is_superuser:
            form.base_fields["registered_by"].required = True
        return form

    def check_write(self, request, obj, data):
        if obj is not None:
            fields = {
                name: data[name]
                for name in services.PERSON_FIELDS | services.ADMINISTRATOR_FIELDS
                if name in data
            }
            services.check_person_change(obj, by=request.user, fields=fields)

    def save_model(self, request, obj, form, change):
        if change:
            editable = services.PERSON_FIELDS | services.ADMINISTRATOR_FIELDS
            changed = {name: form.cleaned_data[name] for name in form.changed_data if name in editable}
            saved = services.update_person(obj, by=request.user, **changed)
        else:
            saved = services.register_person(
                by=request.user,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                registered_by=form.cleaned_data.get("registered_by"),
                **{
                    name: form.cleaned_data[name]
                    for name in ("name", "phone", "email")
                    if name in form.cleaned_data
                },
            )
        obj.pk = saved.pk
