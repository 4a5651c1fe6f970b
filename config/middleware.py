"""The project's middleware: the language, the request id, the content security policy, no caching of what a
logged-in person sees, the server's time when measured."""

import contextvars
import re
import time
import uuid

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers

# The current request's id, for the log formatter (config/logging.py); "-" outside a request.
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")


class ServerTimingMiddleware:
    """With settings.SERVER_TIMING (DJANGO_SERVER_TIMING=1, as `bench_load` runs it), say how long the server took
    in a standard `Server-Timing: app;dur=<ms>` header, so a load test can tell the server's time from queueing.
    Off by default: the time a request took is nobody else's business in production."""

    def __init__(self, get_response):
        if not getattr(settings, "SERVER_TIMING", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        began = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - began) * 1000:.1f}"
        return response


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese for everyone unless they chose another language: the browser's Accept-Language is
    ignored, because most users' browsers here say English while the product's users expect Chinese."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequestIdMiddleware:
    """Give every request an id (the proxy's X-Request-ID when it sends one), for the logs and the response."""

    header = "HTTP_X_REQUEST_ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(self.header, "")
        request_id = incoming if _REQUEST_ID_PATTERN.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy built from settings.CONTENT_SECURITY_POLICY (Django 5.2 has none).

    The setting maps directives to sources, e.g. {"default-src": ["'self'"]}; empty or missing sends nothing.
    CONTENT_SECURITY_POLICY_REPORT_ONLY=True sends it as Content-Security-Policy-Report-Only, to try a policy
    out before enforcing it. A response that already carries the header (a view's own policy) keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        self.value = "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", False)
        self.header = "Content-Security-Policy-Report-Only" if report_only else "Content-Security-Policy"

    def __call__(self, request):
        response = self.get_response(request)
        if self.value and "Content-Security-Policy" not in response:
            response.setdefault(self.header, self.value)
        return response


class NoStoreWhenAuthenticatedMiddleware:
    """Answers to a logged-in person (pages, API by session or token, xlsx exports, photos) are never kept by the
    browser or a proxy: Cache-Control: no-store (with private, no-cache, max-age=0), as Django's never_cache.

    Only requests with a session cookie or an Authorization header are looked at, so anonymous answers (the login
    page, /healthz) keep their headers and open no session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME not in request.COOKIES and "HTTP_AUTHORIZATION" not in request.META:
            return response
        user = getattr(request, "user", None)  # DRF sets the token's person here too
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
