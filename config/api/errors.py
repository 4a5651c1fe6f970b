"""One translator from the services' errors to HTTP, for every API view (REST_FRAMEWORK's EXCEPTION_HANDLER).

Services raise Django's ValidationError (InvalidTransition is one) and PermissionDenied; views call them without
catching anything. Here a ValidationError becomes a 400 in one JSON shape — a list of messages per field, and
`non_field_errors` for the whole body, never `__all__` — and every `detail` is in the user's language.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """The DRF error (400) carrying a Django ValidationError's messages, per field."""
    detail = serializers.as_serializer_error(error)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(_("You may not do this."))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, exceptions.ParseError):
        # DRF's parsers say what failed in English, with the parser's own words ("JSON parse error - …").
        json_body = (
            "json" in (context["request"].content_type or "").lower() if context.get("request") else False
        )
        exc = exceptions.ParseError(
            _("The request body is not valid JSON.")
            if json_body
            else _("The request body could not be read.")
        )
    elif isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        if NON_FIELD_ERRORS in exc.detail:
            exc.detail[api_settings.NON_FIELD_ERRORS_KEY] = exc.detail.pop(NON_FIELD_ERRORS)
    return drf_exception_handler(exc, context)
