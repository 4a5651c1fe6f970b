"""List filters of the admins: by a committee's subtree (only committees the user may see), in force or ended."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from committees import scoping
from committees.models import Level, Membership


class InScopeCommitteeFilter(admin.SimpleListFilter):
    """Filter by a committee's subtree; offers only committees the user may see, and ignores any other id."""

    title = _("committee")
    parameter_name = "committee"
    code_field = "committee__area_code"

    def lookups(self, request, model_admin):
        scope = scoping.scope_of(request.user)
        visible = scoping.committees_for(request.user)
        if scope.is_superuser:
            visible = visible.filter(level=Level.DISTRICT)
        elif any(len(code) == 6 for code in scope.read_codes):
            visible = visible.exclude(level=Level.COMMUNITY)
        return [(str(pk), name) for pk, name in visible.order_by("area_code").values_list("pk", "name")[:400]]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        committee = (
            scoping.committees_for(request.user).filter(pk=self.value()).first()
            if self.value().isdigit()
            else None
        )
        if committee is None:
            return queryset.none()
        return self.filter_subtree(queryset, committee.area_code)

    def filter_subtree(self, queryset, code):
        return queryset.filter(**{f"{self.code_field}__startswith": code})


class UnitCommitteeFilter(InScopeCommitteeFilter):
    def filter_subtree(self, queryset, code):
        member = Membership.objects.filter(unit_id=OuterRef("pk"), committee__area_code__startswith=code)
        return queryset.filter(Exists(member))


class CurrentFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", _("Current")), ("no", _("Ended"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.current()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.current().values("pk"))
        return queryset
