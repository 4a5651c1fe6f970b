from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Vote


class AnswerForm(forms.Form):
    accept = forms.ChoiceField(
        label=_("Answer"), choices=[("yes", _("Accept")), ("no", _("Decline"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason (required when declining)"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("accept") == "no" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why your unit declines."))
        return data


class CommentForm(forms.Form):
    text = forms.CharField(label=_("comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("vote"), choices=Vote.Choice.choices, widget=forms.RadioSelect)
