"""Strings that third-party packages show without a Simplified Chinese translation; listed so our catalogue
(which takes precedence) carries them. Never imported: makemessages reads it."""

from django.utils.translation import gettext_noop

THIRD_PARTY_STRINGS = [
    gettext_noop("Changes"),  # django-simple-history's history table
    gettext_noop("Error:"),  # the admin's page title when a form has errors
    gettext_noop(
        "After you’ve created a user, you’ll be able to edit more user options."
    ),  # UserAdmin's add form
    gettext_noop("Model name"),  # the admin index's table headers for screen readers
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
]
