"""App configurations the project gives third-party apps (INSTALLED_APPS names them)."""

from axes.apps import AppConfig as AxesConfig
from django.utils.translation import gettext_lazy as _


class LoginRecordsConfig(AxesConfig):
    """django-axes (the login lockout and the log of logins), named in Chinese in the admin."""

    verbose_name = _("Login records")
