"""The test suite: fast hashing, in-memory e-mail; DATABASE_URL and REDIS_URL chosen by the runner."""

from .base import *  # noqa: F403
from .base import CACHES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "zh-hans"

# Tasks run in the test process unless a test starts a real worker (the fault tests in tests/faults/ send
# their tasks with send_task, which always goes through the broker).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

# Each test process keeps beat's heartbeat to itself (the eager heartbeat task runs in the same process).
CACHES = {
    **CACHES,
    "health": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "health"},
}

# django-simple-captcha accepts "PASSED" in tests (the residents' intake form); never outside the test settings.
CAPTCHA_TEST_MODE = True
