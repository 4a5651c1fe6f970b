"""The secretaries' admin: display and scoping only; every queryset, choice list and filter comes from scoping."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from committees import ledgers, scoping, services
from committees.models import Committee, Membership, MemberUnit, Seat, User
from config.admin.base import ScopedAdmin, ScopedInline, read_only_action
from config.admin.site import admin_site

from .filters import CurrentFilter, InScopeCommitteeFilter, UnitCommitteeFilter


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


class CommitteeForm(forms.ModelForm):
    user = None

    def clean(self):
        data = super().clean()
        if (
            self.instance.pk is None
            and not data.get("parent")
            and not getattr(self.user, "is_superuser", False)
        ):
            raise forms.ValidationError(
                _("Only an administrator creates district committees; choose the parent.")
            )
        return data


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
    form = CommitteeForm
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
        return ["level", "parent", "area_code"] if obj and not request.user.is_superuser else []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form


# --- Member units --------------------------------------------------------------------------------------------


class MembershipInline(ScopedInline):
    model = Membership
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
class MemberUnitAdmin(ScopedAdmin):
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        unit = form.instance
        if (
            not request.user.is_superuser
            and not scoping.units_to_manage(request.user).filter(pk=unit.pk).exists()
        ):
            messages.warning(
                request,
                _(
                    "The unit has no current membership on a committee you manage; add one so that you can keep it."
                ),
            )

    @read_only_action
    @admin.action(description=_("Export selected units as a ledger (xlsx, contacts masked)"))
    def export_ledger(self, request, queryset):
        return ledgers.member_units_response(request.user, queryset.prefetch_related(None))

    @admin.action(description=_("Export with personal data in full…"), permissions=["export_in_full"])
    def export_ledger_in_full(self, request, queryset):
        from .lists import PurposeForm  # the lists' admin imports this module first

        form = PurposeForm(request.POST if "purpose" in request.POST else None)
        if form.is_valid():
            return ledgers.member_units_in_full_response(
                request.user,
                queryset.prefetch_related(None),
                purpose=form.cleaned_data["purpose"],
                filters=request.GET.urlencode(),
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Export with personal data in full"),
            "form": form,
            "count": queryset.count(),
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_url": request.get_full_path(),
        }
        return TemplateResponse(request, "admin/committees/export_in_full.html", context)

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
class PersonAdmin(ScopedAdmin, UserAdmin):
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
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "registered_by" in form.base_fields and not request.user.is_superuser:
            form.base_fields["registered_by"].required = True
        return form
