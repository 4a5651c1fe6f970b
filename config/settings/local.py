"""Local development and the demo: DEBUG on, embedded defaults (SQLite, filesystem broker)."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
