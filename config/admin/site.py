"""The secretaries' admin site: entry by role (secretary, overseer, superuser), not by Django's is_staff flag.

The site knows no app: who may enter and what a form may offer come from the access policy named by the
ADMIN_ACCESS_POLICY setting (the registry's gate, committees.scoping). Apps add dashboard panels and actions on
other apps' models through the explicit registration methods below, each with a declared order.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from config.todo import todos_for


def access_policy():
    """The module that answers the admin's who-may questions: uses_admin(user), manages_anything(user),
    choices_for(model, user)."""
    return import_string(settings.ADMIN_ACCESS_POLICY)


class RoleAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct %(username)s and password of a committee secretary or overseer. "
            "Both fields may be case-sensitive."
        ),
    }

    def confirm_login_allowed(self, user) -> None:
        if not user.is_active or not access_policy().uses_admin(user):
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


@dataclass(frozen=True)
class Panel:
    """A block of the admin's home page: `build(request)` returns a dict (title, rows, empty …) or None."""

    order: int
    build: Callable


class PartyhubAdminSite(admin.AdminSite):
    """The index page doubles as the secretary's dashboard: apps register panels (what needs action, figures)."""

    site_header = _("Party-building coordination: resource matching")
    index_template = "admin/partyhub_index.html"
    site_title = _("Committee administration")
    index_title = _("Committee administration")
    login_form = RoleAuthenticationForm
    enable_nav_sidebar = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._panels: list[Panel] = []
        self._model_actions: dict[type, list[Callable]] = {}

    @cached_property
    def access(self):
        return access_policy()

    def register_panel(self, build: Callable, *, order: int) -> None:
        """Show `build(request)` on the home page; panels appear by ascending order."""
        self._panels.append(Panel(order, build))
        self._panels.sort(key=lambda panel: panel.order)

    def register_action(self, model: type, action: Callable) -> None:
        """Offer `action` on `model`'s list, from an app that does not own the model's admin."""
        self._model_actions.setdefault(model, []).append(action)

    def actions_for(self, model: type) -> list[Callable]:
        return list(self._model_actions.get(model, []))

    @property
    def panels(self) -> list[Callable]:
        return [panel.build for panel in self._panels]

    def has_permission(self, request) -> bool:
        return request.user.is_active and self.access.uses_admin(request.user)

    def index(self, request, extra_context=None):
        panels = [panel(request) for panel in self.panels]
        return super().index(request, {**(extra_context or {}), "panels": [p for p in panels if p]})


admin_site = PartyhubAdminSite(name="admin")


def todo_panel(request):
    """The secretary's to-do list (config.todo, every app's providers), first on the home page."""
    return {"title": _("To do"), "todos": todos_for(request.user), "empty": _("Nothing to do right now.")}


admin_site.register_panel(todo_panel, order=1)
