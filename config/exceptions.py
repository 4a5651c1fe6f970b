"""Exceptions every app raises: a state change the lifecycle refuses is a validation error with a message for
the person who tried it (a form error on a page, a 400 over the API)."""

from django.core.exceptions import ValidationError


class InvalidTransition(ValidationError):
    pass
