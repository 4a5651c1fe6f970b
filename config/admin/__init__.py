"""The admin site shared by the apps, the scoped admin base, and the scheduled jobs' admin."""

from . import beat  # noqa: F401  (registers the scheduled jobs on the site)
from .site import admin_site  # noqa: F401
