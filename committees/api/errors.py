"""Services raise Django's ValidationError (and InvalidTransition); over REST these are 400s with field messages."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers


@contextmanager
def as_400():
    """Run a service call; its validation errors become DRF's (a 400 with the same messages, per field)."""
    try:
        yield
    except DjangoValidationError as error:
        raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
