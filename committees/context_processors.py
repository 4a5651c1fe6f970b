"""Template context about the user's roles, read from the scoping module (cached per request)."""

from . import scoping


def roles(request) -> dict:
    user = getattr(request, "user", None)
    scope = scoping.scope_of(user) if user is not None else scoping.Scope()
    return {
        "acts_for_units": scope.is_liaison,
        "uses_admin": scope.uses_admin,
        "deliberates": bool(scope.voting_committee_ids),
    }
