"""Strings that third-party packages show without a Simplified Chinese translation; listed so our catalogue
(which takes precedence) carries them. Never imported: makemessages reads it."""

from django.utils.translation import gettext_noop, ngettext

THIRD_PARTY_STRINGS = [
    gettext_noop("Changes"),  # django-simple-history's history table
    gettext_noop("Error:"),  # the admin's page title when a form has errors
    gettext_noop(
        "After you’ve created a user, you’ll be able to edit more user options."
    ),  # UserAdmin's add form
    gettext_noop("Model name"),  # the admin index's table headers for screen readers
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # django-axes' login records in the admin (it ships no Chinese)
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("Attempt Time"),
    gettext_noop("Logout Time"),
    gettext_noop("IP Address"),
    gettext_noop("User Agent"),
    gettext_noop("Path"),
    gettext_noop("Failed Logins"),
    gettext_noop("Access lock out"),
]


def _plural_strings(n: int) -> list[str]:
    """Never called either: plural strings need ngettext for makemessages to read both forms."""
    return [
        # Django 5.2's password length message; its own zh_Hans catalogue translates only the older wording.
        ngettext(
            "This password is too short. It must contain at least %d character.",
            "This password is too short. It must contain at least %d characters.",
            n,
        ),
    ]
