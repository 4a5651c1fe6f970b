"""Production: PostgreSQL and Redis required, secure cookies, HSTS, static files by whitenoise, JSON logs.

Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto (deploy/nginx/partyhub.conf); see
docs/deployment.md for the environment variables.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES, LOGGING, REDIS_URL, REST_FRAMEWORK, env_bool, env_list

DEBUG = False
if os.environ.get("DJANGO_SECRET_KEY") in (None, "", "dev-only-insecure-key-change-me"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production needs PostgreSQL: set DATABASE_URL=postgres://...")
if not REDIS_URL:
    raise ImproperlyConfigured("Production needs Redis: set REDIS_URL=redis://...")
if not CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("Production needs a Redis broker: set CELERY_BROKER_URL=redis://...")

# Keep database connections open between requests (gunicorn's sync workers serve one request at a time).
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- HTTPS: TLS ends at the proxy, which says so in X-Forwarded-Proto -------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # monitoring asks the web nodes directly, over plain HTTP
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# nginx stands in front and appends the client's address to X-Forwarded-For: the login lockout and the API's
# throttles count by it (config/client_ip.py). Set 0 if gunicorn is reached directly, 2 behind two proxies.
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "1"))
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": PROXY_COUNT}

# --- Static files: collectstatic into STATIC_ROOT, served by whitenoise with hashed names and compression ----
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or STATIC_ROOT  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600  # unhashed names; hashed names are cached for ever anyway

# Uploaded files (project photos) are read by every web node: on several machines, point this at shared storage.
MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT") or MEDIA_ROOT  # noqa: F405

# --- Logs: one JSON object per line on stderr (journald or the process manager keeps them) --------------------
# Celery's workers and beat log through the same configuration instead of their own plain format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
LOGGING = {
    **LOGGING,
    "filters": {"request_id": {"()": "config.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "config.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}
    },
}
