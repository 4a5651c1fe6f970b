"""Template context about the user's roles, read from the scoping module (cached per request)."""

from django.utils.functional import SimpleLazyObject

from . import scoping
from .notifications import unread_count


def roles(request) -> dict:
    user = getattr(request, "user", None)
    scope = scoping.scope_of(user) if user is not None else scoping.Scope()
    return {
        "acts_for_units": scope.is_liaison,
        "uses_admin": scope.uses_admin,
        "deliberates": bool(scope.voting_committee_ids),
    }


def notifications(request) -> dict:
    """The header's unread count, counted only when a template shows it (once per request)."""
    user = getattr(request, "user", None)
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
