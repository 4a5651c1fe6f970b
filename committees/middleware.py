"""Sessions end SESSION_COOKIE_AGE after the login however busy (12 h), and after ADMIN_IDLE_MINUTES without a
request (30) for the people who use the admin (secretaries, overseers, superusers)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils.translation import gettext as _

from . import scoping

LOGIN_AT = "partyhub_login_at"
SEEN_AT = "partyhub_seen_at"
SEEN_WRITE_SECONDS = 60  # the session is written at most once a minute to record activity


def _has_session_login(request) -> bool:
    """True when the request's session holds a login. Looks only where a cookie came, or where this request logged
    in: an anonymous request and an API request by token open no session."""
    session = getattr(request, "session", None)
    if session is None:
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and not session.modified:
        return False
    return SESSION_KEY in session


def stamp_login(sender, request, user, **kwargs) -> None:
    """On user_logged_in (connected in apps.py): the 12 hours count from this login, not from an earlier one in
    the same session; the login is activity too."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LOGIN_AT] = session[SEEN_AT] = time.time()


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_session_login(request):
            self._end_if_timed_out(request)
        response = self.get_response(request)
        if _has_session_login(request):  # after the view: a login in this very request is stamped now
            self._stamp(request)
        return response

    def _end_if_timed_out(self, request) -> None:
        now = time.time()
        login_at = request.session.get(LOGIN_AT)
        seen_at = request.session.get(SEEN_AT)
        if login_at is not None and now - login_at > settings.SESSION_COOKIE_AGE:
            logout(request)
            messages.info(
                request,
                _("Your session has ended after %(hours)d hours. Please log in again.")
                % {"hours": settings.SESSION_COOKIE_AGE // 3600},
            )
        elif (
            seen_at is not None
            and now - seen_at > settings.ADMIN_IDLE_MINUTES * 60
            and scoping.scope_of(request.user).uses_admin
        ):
            logout(request)
            messages.info(
                request,
                _("You were logged out after %(minutes)d minutes without activity. Please log in again.")
                % {"minutes": settings.ADMIN_IDLE_MINUTES},
            )

    def _stamp(self, request) -> None:
        now = time.time()
        session = request.session
        if LOGIN_AT not in session:
            session[LOGIN_AT] = now
        if not scoping.scope_of(request.user).uses_admin:
            return
        seen_at = session.get(SEEN_AT)
        if seen_at is None or now - seen_at >= SEEN_WRITE_SECONDS:
            session[SEEN_AT] = now
