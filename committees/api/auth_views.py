"""/api/v1/auth/token/: a person exchanges username and password for a token (shown once), and revokes it (logout).

Logins here go through the same lockout as the pages (django-axes, by username and by address) and a throttle of
their own per address."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status, throttling
from rest_framework.response import Response
from rest_framework.views import APIView

from committees.services import access

from .authentication import ApiTokenAuthentication


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("Username"), max_length=150)
    password = serializers.CharField(label=_("Password"), max_length=4096, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="The key to send as `Authorization: Token <key>`; shown only now."
    )
    prefix = serializers.CharField(help_text="Names the token (not secret).")
    expires_at = serializers.DateTimeField()


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self):
        super().__init__(access.lockout_message())
        self.wait = settings.LOGIN_LOCKOUT_MINUTES * 60  # DRF's handler sends it as Retry-After


class TokenObtainThrottle(throttling.SimpleRateThrottle):
    """Per client address, whoever the request claims to be."""

    scope = "auth_token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


@method_decorator(never_cache, name="post")  # the answer holds the secret: no cache keeps it
class ObtainTokenView(APIView):
    """取得令牌 Exchange a username and password for an API token."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [TokenObtainThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        auth=[],
        description="取得令牌：用户名和密码换取一个 API 令牌（仅此一次显示）。Exchange a username and password for a "
        "token, shown only in this answer and valid for API_TOKEN_LIFETIME_DAYS days (30 by default). Failed "
        "logins count towards the lockout (429) of the username and of the address, as on the login pages.",
    )
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # The Django request: django-axes reads the address from it and marks it when the login is locked out.
        django_request = request._request
        user = authenticate(
            request=django_request,
            username=body.validated_data["username"],
            password=body.validated_data["password"],
        )
        if user is None:
            if getattr(django_request, "axes_locked_out", False):
                raise LockedOut()
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to log in with the username and password given.")]}
            )
        token, key = access.issue_token(user=user)
        access.record_token_login(django_request, user)
        return Response({"token": key, "prefix": token.prefix, "expires_at": token.expires_at})


class RevokeTokenView(APIView):
    """吊销令牌 Log out: the token this request is authenticated with stops working."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="The token is revoked.")},
        description="吊销令牌（退出登录）。Revoke the token this request carries (the session cannot be used here).",
    )
    def post(self, request):
        access.revoke_token(request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
