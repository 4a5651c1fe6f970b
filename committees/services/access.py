"""Who gets in: API tokens (issued once with a random secret, kept as its SHA-256, expiring, revoked on logout, on
a password change and when a person's last seat ends), the login lockout's message and the login log of API
logins. The API's authentication class, its token endpoints and the account pages call these."""

import datetime
import hashlib
import secrets

from axes.helpers import (
    get_client_http_accept,
    get_client_ip_address,
    get_client_path_info,
    get_client_user_agent,
)
from axes.models import AccessLog
from django.conf import settings
from django.contrib.auth.models import update_last_login
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from committees.models import ApiToken, Seat

# The key a client sends is "<prefix>.<secret>": the prefix finds the row, the secret (256 random bits) proves it.
# A secret that long needs no slow hash: SHA-256 cannot be reversed and guessing is hopeless.
SEPARATOR = "."
PREFIX_BYTES = 6  # 12 hex characters
SECRET_BYTES = 32


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(*, user, lifetime: datetime.timedelta | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the key, which is shown once and never stored."""
    now = timezone.now()
    lifetime = lifetime or datetime.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    for _attempt in range(5):
        prefix = secrets.token_hex(PREFIX_BYTES)
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user,
                    prefix=prefix,
                    digest=digest_of(secret),
                    created_at=now,
                    expires_at=now + lifetime,
                )
        except IntegrityError:  # a prefix already taken: one chance in billions, draw again
            continue
        return token, f"{prefix}{SEPARATOR}{secret}"
    raise RuntimeError("could not draw an unused token prefix")


def authenticate_token(key: str) -> ApiToken | None:
    """The usable token the key belongs to (with its user), or None: unknown, wrong secret, expired, revoked, or
    its person is no longer active."""
    prefix, separator, secret = key.partition(SEPARATOR)
    if not separator or not prefix or not secret:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not constant_time_compare(digest_of(secret), token.digest):
        return None
    if not token.is_usable or not token.user.is_active:
        return None
    _touch(token)
    return token


def _touch(token: ApiToken) -> None:
    """Record when a token was last used, at most once per API_TOKEN_TOUCH_SECONDS (a write per request is waste)."""
    now = timezone.now()
    interval = datetime.timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is not None and now - token.last_used_at < interval:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - interval)
    ).update(last_used_at=now)
    token.last_used_at = now


def revoke_token(token: ApiToken) -> None:
    """Log one token out (the client's logout)."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke_tokens(user) -> int:
    """Revoke every token a person holds (password changed or reset, last seat ended); returns how many."""
    if user.pk is None:
        return 0
    return ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def end_tokens_of_people_without_seats(user_ids, *, on: datetime.date) -> None:
    """After seats ended on `on`: a person who then holds no seat loses their tokens, at once when `on` is today
    or past, else at the end of that day (the seat is theirs until then)."""
    after = Seat.objects.filter(Q(until__isnull=True) | Q(until__gt=on))
    seatless = set(user_ids) - set(after.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    if not seatless:
        return
    tokens = ApiToken.objects.filter(user_id__in=seatless, revoked_at__isnull=True)
    if on <= timezone.localdate():
        tokens.update(revoked_at=timezone.now())
        return
    end_of_day = timezone.make_aware(
        datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time())
    )
    tokens.filter(expires_at__gt=end_of_day).update(expires_at=end_of_day)


class RevokeTokensOnPasswordChange:
    """Not a rule about passwords: Django calls every validator's password_changed() whenever a password is set
    and saved (the password page, the reset link, the admin, manage.py changepassword), so this is the one place
    that revokes a person's API tokens on every path. A hash upgrade at login does not call it."""

    def validate(self, password, user=None) -> None:
        return None

    def password_changed(self, password, user=None) -> None:
        if user is not None:
            revoke_tokens(user)

    def get_help_text(self) -> str:
        return _("Setting a new password ends every API token of this account.")


def lockout_message() -> str:
    """What a locked-out login is told, on the pages and in the API."""
    return _(
        "Too many failed logins: this account, or logins from this address, are locked for %(minutes)d minutes. "
        "Try again later, or ask the system administrator to unlock it."
    ) % {"minutes": settings.LOGIN_LOCKOUT_MINUTES}


def record_token_login(request, user) -> None:
    """An API login goes into the same login log as the pages' (django-axes' AccessLog, the record of logins that
    graded protection (等保) asks for) and updates last_login; it opens no session, so it sends no user_logged_in."""
    update_last_login(None, user)
    if getattr(settings, "AXES_DISABLE_ACCESS_LOG", False):
        return
    AccessLog.objects.create(
        username=user.get_username(),
        ip_address=get_client_ip_address(request),
        user_agent=get_client_user_agent(request),
        http_accept=get_client_http_accept(request),
        path_info=get_client_path_info(request),
    )
