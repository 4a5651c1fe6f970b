"""Forms the registry's and the lists' admins share."""

from django import forms
from django.utils.translation import gettext_lazy as _

from committees import ledgers


class PurposeForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        min_length=ledgers.MIN_PURPOSE_LENGTH,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "Why the contacts are needed in full, e.g. the district's annual check of the needs list. "
            "The purpose, your name and the rows exported are logged."
        ),
    )
