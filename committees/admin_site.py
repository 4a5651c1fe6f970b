"""The secretaries' admin site: entry by role (secretary, overseer, superuser), not by Django's is_staff flag."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import scoping


class RoleAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct %(username)s and password of a committee secretary or overseer. "
            "Both fields may be case-sensitive."
        ),
    }

    def confirm_login_allowed(self, user) -> None:
        if not user.is_active or not scoping.scope_of(user).uses_admin:
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class PartyhubAdminSite(admin.AdminSite):
    """The index page doubles as the secretary's dashboard: apps add panels (what needs action, figures)."""

    site_header = _("Party-building coordination: resource matching")
    index_template = "admin/partyhub_index.html"
    site_title = _("Committee administration")
    index_title = _("Committee administration")
    login_form = RoleAuthenticationForm
    enable_nav_sidebar = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dashboard_panels: list = []  # callables (request) -> dict(title=..., rows=[(text, url)], empty=...)

    def has_permission(self, request) -> bool:
        return request.user.is_active and scoping.scope_of(request.user).uses_admin

    def index(self, request, extra_context=None):
        panels = [panel(request) for panel in self.dashboard_panels]
        return super().index(request, {**(extra_context or {}), "panels": [p for p in panels if p]})


admin_site = PartyhubAdminSite(name="admin")
