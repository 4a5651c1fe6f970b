from django import forms
from django.utils.translation import gettext_lazy as _

from committees import validators
from committees.forms import ServerCheckedLengths

from .models import Evaluation, Vote, validate_photo


class AnswerForm(ServerCheckedLengths, forms.Form):
    accept = forms.ChoiceField(
        label=_("Answer"), choices=[("yes", _("Accept")), ("no", _("Decline"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (required when declining)"),
        max_length=300,
        required=False,
        validators=[validators.validate_text],
    )

    def clean(self):
        data = super().clean()
        if data.get("accept") == "no" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why your unit declines."))
        return data


class CommentForm(ServerCheckedLengths, forms.Form):
    text = forms.CharField(
        label=_("comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validators.validate_text],
    )


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("vote"), choices=Vote.Choice.choices, widget=forms.RadioSelect)


class ProgressForm(ServerCheckedLengths, forms.Form):
    text = forms.CharField(
        label=_("progress"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validators.validate_text],
    )
    photo = forms.FileField(
        label=_("photo (JPEG or PNG, at most 5 MB)"),
        required=False,
        validators=[validate_photo],
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class MilestoneForm(ServerCheckedLengths, forms.Form):
    title = forms.CharField(
        label=_("milestone"), max_length=100, validators=[validators.validate_single_line]
    )
    due_on = forms.DateField(label=_("due on"), widget=forms.DateInput(attrs={"type": "date"}))


class MilestoneDoneForm(forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput)


class CompleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("The project is done. Completing it opens the two-way evaluation and cannot be undone."),
        error_messages={"required": _("Tick the box to confirm that the project is done.")},
    )


class CarryOverForm(ServerCheckedLengths, forms.Form):
    reason = forms.CharField(
        label=_("reason it is unfinished"), max_length=300, validators=[validators.validate_text]
    )
    new_end = forms.DateField(label=_("new planned end"), widget=forms.DateInput(attrs={"type": "date"}))


class CancelForm(ServerCheckedLengths, forms.Form):
    reason = forms.CharField(
        label=_("reason for cancelling"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(
        label=_(
            "Cancel the project: its quantity goes back to the lists and both sides are told. "
            "This cannot be undone."
        ),
        error_messages={"required": _("Tick the box to confirm the cancellation.")},
    )


class EvaluationForm(ServerCheckedLengths, forms.Form):
    side = forms.ChoiceField(label=_("side"), choices=Evaluation.Side.choices, widget=forms.RadioSelect)
    score = forms.TypedChoiceField(
        label=_("rating (1–5)"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("comment"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, sides=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["side"].choices = [
            (value, label) for value, label in Evaluation.Side.choices if value in sides
        ]
        if len(self.fields["side"].choices) == 1:
            self.fields["side"].initial = self.fields["side"].choices[0][0]


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Publish these results. Once published they are frozen; later changes count in later periods."
        ),
        error_messages={"required": _("Tick the box to confirm the publication.")},
    )


# --- 吹哨报到: the department's forms ---------------------------------------------------------------------------


class SummonsReportForm(ServerCheckedLengths, forms.Form):
    attendee_name = forms.CharField(
        label=_("person coming"), max_length=50, validators=[validators.validate_single_line]
    )
    attendee_phone = forms.CharField(
        label=_("their phone"), max_length=30, required=False, validators=[validators.validate_phone]
    )


class SummonsRecordForm(ProgressForm):
    """What a summoned department did: the same text and photo as a project's progress, labelled for it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("what was done")


class SummonsFinishForm(ServerCheckedLengths, forms.Form):
    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=[("done", _("Our part is done")), ("unable", _("We cannot handle it"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("why not (required if you cannot handle it)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validators.validate_text],
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "unable" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the department cannot handle it."))
        return data


class PhotoPublicForm(forms.Form):
    """Show a progress photo on the public notice (公示), or stop showing it."""

    update = forms.IntegerField(widget=forms.HiddenInput)
    public = forms.BooleanField(required=False, widget=forms.HiddenInput)
