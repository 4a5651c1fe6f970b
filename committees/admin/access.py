"""The admin of access, for superusers: API tokens (prefix and dates only; revoke) and django-axes' login records
(locked-out attempts to unlock, the log of logins and of failures)."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import ApiToken
from config.admin.base import DeclaredLookupsMixin
from config.admin.site import admin_site


class SuperuserReadOnly(DeclaredLookupsMixin, admin.ModelAdmin):
    """Records nobody edits: superusers read them (and may delete, where deleting is the action)."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ApiToken, site=admin_site)
class ApiTokenAdmin(SuperuserReadOnly):
    """Never the secret (it is not kept) nor its hash: the prefix names the token."""

    list_display = ["prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "user__username", "user__name"]
    list_select_related = ["user"]
    fields = ["prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None) -> bool:
        return (
            request.user.is_active and request.user.is_superuser
        )  # for the revoke action; every field is read-only

    @admin.action(description=_("Revoke the selected API tokens"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("%(count)d API tokens revoked.") % {"count": count}, messages.SUCCESS)


@admin.register(AccessAttempt, site=admin_site)
class AccessAttemptAdmin(SuperuserReadOnly):
    """Failures counted towards a lockout; deleting a row unlocks its username and address."""

    list_display = ["attempt_time", "username", "ip_address", "failures_since_start", "path_info"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    readonly_fields = [
        "attempt_time",
        "username",
        "ip_address",
        "user_agent",
        "path_info",
        "failures_since_start",
    ]
    fields = readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser


@admin.register(AccessLog, site=admin_site)
class AccessLogAdmin(SuperuserReadOnly):
    list_display = ["attempt_time", "logout_time", "username", "ip_address", "path_info", "user_agent"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    readonly_fields = ["attempt_time", "logout_time", "username", "ip_address", "user_agent", "path_info"]
    fields = readonly_fields


@admin.register(AccessFailureLog, site=admin_site)
class AccessFailureLogAdmin(SuperuserReadOnly):
    list_display = ["attempt_time", "username", "ip_address", "locked_out", "path_info", "user_agent"]
    list_filter = ["locked_out"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    readonly_fields = ["attempt_time", "username", "ip_address", "user_agent", "path_info", "locked_out"]
    fields = readonly_fields
