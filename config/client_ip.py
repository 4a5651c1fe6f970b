"""The client's address for the login lockout (django-axes) and the API's throttles, behind PROXY_COUNT proxies."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or with PROXY_COUNT trusted proxies in front (nginx: 1), the address the outermost of them saw:
    X-Forwarded-For counted from the right, as DRF's NUM_PROXIES does. Entries further left were written by the
    client and are never trusted; a malformed entry falls back to REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if not forwarded:
        return remote
    candidate = forwarded[-min(count, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
