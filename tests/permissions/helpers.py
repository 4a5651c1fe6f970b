"""What the matrix tests share: logged-in clients, a digest of everything a refused request could change, form
data for an object, and the admins registered on the site."""

import datetime
import decimal

from django.apps import apps
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client, RequestFactory

from committees.models import User
from config.admin import admin_site
from config.admin.base import ScopedAdmin

# The admins not built on ScopedAdmin say themselves who opens them: scheduled jobs, API tokens and the login
# records (superusers) and the log of unmasked exports (those who manage a committee).
SUPERUSER_ONLY_APPS = {"django_celery_beat", "axes"}
SUPERUSER_ONLY = {"committees.apitoken"}
MANAGERS_ONLY = {"committees.personaldataexport"}


def admins() -> list[tuple[type, object]]:
    return sorted(admin_site._registry.items(), key=lambda item: item[0]._meta.label_lower)


def admin_id(model) -> str:
    return model._meta.label_lower


def opens_admin_list(role, model) -> bool:
    """Whether the role's changelist of this admin is a 200 (README: secretaries, overseers, superusers)."""
    if not role.uses_admin:
        return False
    if model._meta.app_label in SUPERUSER_ONLY_APPS or model._meta.label_lower in SUPERUSER_ONLY:
        return role.is_superuser
    if model._meta.label_lower in MANAGERS_ONLY:
        return role.manages
    assert isinstance(admin_site._registry[model], ScopedAdmin), f"{model}: say who opens this admin"
    return True


def superuser_actions(model_admin) -> list[str]:
    """The names of the actions an admin offers at all (as the superuser sees them)."""
    request = RequestFactory().get("/admin/")
    request.user = User(username="actions", is_superuser=True, is_active=True)
    return list(model_admin.get_actions(request))


def has_history_form(model_admin) -> bool:
    return hasattr(model_admin, "history_form_view")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Sessions, throttles and the like are no state a refused request should be blamed for.
_NOT_STATE = {"sessions", "contenttypes", "auth"}


def state(labels: list[str] | None = None) -> dict[str, list]:
    """Every row of every table of the project's apps (or of the models labelled), counts only for history
    tables: equal before and after means a request changed nothing."""
    digest = {}
    for model in apps.get_models():
        if model._meta.app_label in _NOT_STATE or model._meta.proxy:
            continue
        if labels is not None and model._meta.label not in labels:
            continue
        rows = model.objects.all()
        if model.__name__.startswith("Historical"):
            digest[model._meta.label] = [rows.count()]
        else:
            digest[model._meta.label] = list(rows.order_by("pk").values_list())
    return digest


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


def form_data(obj, **changes) -> dict:
    """The object's fields as a form would post them, with `changes`, and every CharField altered otherwise."""
    data = {}
    for name, value in model_to_dict(obj).items():
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal, int, bool)):
            data[name] = str(value) if not isinstance(value, bool) else ("on" if value else "")
        else:
            data[name] = getattr(value, "pk", value)
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.CharField) and not field.choices and field.name in data:
            if field.name not in ("password", "username"):
                data[field.name] = f"{data[field.name]}（篡改）"[: field.max_length]
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}
