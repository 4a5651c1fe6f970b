"""`Authorization: Token <key>` against the hashed API tokens (committees.services.access), and its OpenAPI description."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from committees.services import access

KEYWORD = "Token"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """The header format of DRF's TokenAuthentication, so clients and the docs stay the same; the key is checked
    against a hash, and expired or revoked tokens are refused with a 401."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header: give `Token` and the key."))
        try:
            key = parts[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: give `Token` and the key.")
            ) from error
        token = access.authenticate_token(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes an unauthenticated request a 401 with WWW-Authenticate, as DRF's TokenAuthentication does.
        return KEYWORD


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "令牌 `Token <key>`: POST /api/v1/auth/token/ issues a key (shown once, valid "
            "API_TOKEN_LIFETIME_DAYS days); POST /api/v1/auth/token/revoke/ ends it.",
        }
