"""Forms of the party members' phone pages (双报到): registration and the public commitment."""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from committees import validators
from committees.forms import ServerCheckedLengths
from committees.models import Committee, Level, MemberUnit
from committees.models.reporting import Skill


class MemberRegistrationForm(ServerCheckedLengths, forms.Form):
    """A new account (when not logged in) and the report to the community where the member lives."""

    username = forms.CharField(label=_("user name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("password"), widget=forms.PasswordInput, required=False, max_length=128
    )
    community = forms.ModelChoiceField(
        label=_("community where you live"), queryset=Committee.objects.filter(level=Level.COMMUNITY)
    )
    name = forms.CharField(label=_("full name"), max_length=50, validators=[validators.validate_single_line])
    phone = forms.CharField(label=_("phone"), max_length=30, validators=[validators.validate_phone])
    address = forms.CharField(
        label=_("home address"), max_length=200, required=False, validators=[validators.validate_single_line]
    )
    unit = forms.ModelChoiceField(
        label=_("own unit"),
        queryset=MemberUnit.objects.all(),
        required=False,
        help_text=_("If it is a member unit."),
    )
    unit_name = forms.CharField(
        label=_("own unit (if not listed)"),
        max_length=200,
        required=False,
        validators=[validators.validate_single_line],
    )
    skills = forms.MultipleChoiceField(
        label=_("skills"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    availability = forms.CharField(
        label=_("times available"),
        max_length=200,
        required=False,
        help_text=_("e.g. 周末、工作日晚上"),
        validators=[validators.validate_single_line],
    )

    def __init__(self, *args, new_account: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_account = new_account
        if not new_account:
            del self.fields["username"]
            del self.fields["password"]
        else:
            self.fields["username"].required = True
            self.fields["password"].required = True

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            validate_password(password)
        return password


class CommitmentForm(ServerCheckedLengths, forms.Form):
    commitment = forms.CharField(
        label=_("public commitment"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you promise to do for your community this year, e.g. 每月参加一次楼门院清洁."),
        validators=[validators.validate_text],
    )


class HoursForm(forms.Form):
    hours = forms.DecimalField(label=_("hours served"), max_digits=4, decimal_places=1, required=False)
