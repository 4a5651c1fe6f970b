"""The member units' forms: what a liaison types, limited to what they may choose; services do the writing."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import scoping, services, validators
from .models import Category, Committee, Membership, MemberUnit, Need, Resource

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServerCheckedLengths:
    """No `maxlength` in the page: a browser cuts a pasted text at it without a word, and the person never learns
    that the end is lost. The server refuses a text that is too long, saying how long it is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)


class RecordForm(ServerCheckedLengths, forms.ModelForm):
    """Create or edit a need or resource for one of the user's units on a committee the unit sits on."""

    unit = forms.ModelChoiceField(label=_("for unit"), queryset=MemberUnit.objects.none())
    committee = forms.ModelChoiceField(label=_("on the list of"), queryset=Committee.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = scoping.units_acted_for(user)
        self.fields["unit"].queryset = units
        self.fields["committee"].queryset = Committee.objects.filter(
            pk__in=Membership.objects.current().filter(unit__in=units).values("committee_id")
        ).order_by("area_code")
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["unit"].initial = units.first()
        committees = list(self.fields["committee"].queryset[:2])
        if len(committees) == 1:
            self.fields["committee"].initial = committees[0]
        self.order_fields(["unit", "committee"])
        if self.instance.pk:
            # Owner and list are fixed once created; what remains editable is the content.
            del self.fields["unit"]
            del self.fields["committee"]
        self.fields["description"].widget.attrs["rows"] = 4
        if "contact_phone" in self.fields:  # the number pad on a phone
            phone = self.fields["contact_phone"].widget
            phone.input_type = "tel"
            phone.attrs.update(inputmode="tel", autocomplete="tel")

    def clean(self):
        data = super().clean()
        unit, committee = data.get("unit"), data.get("committee")
        if (
            unit
            and committee
            and not Membership.objects.current().filter(unit=unit, committee=committee).exists()
        ):
            self.add_error("committee", _("The unit is not a current member of this committee."))
        if "deadline" in self.changed_data and data.get("deadline"):
            try:
                validators.validate_deadline_not_past(data["deadline"])
            except ValidationError as error:
                self.add_error("deadline", error)
        return data

    def content(self) -> dict:
        """The fields a service may set (owner and list excluded)."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class NeedForm(RecordForm):
    class Meta:
        model = Need
        fields = list(services.NEED_FIELDS)
        widgets = {"deadline": DATE_INPUT}


class ResourceForm(RecordForm):
    class Meta:
        model = Resource
        fields = list(services.RESOURCE_FIELDS)
        widgets = {"available_from": DATE_INPUT, "available_until": DATE_INPUT}

    def clean(self):
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error("available_until", _("The end of availability cannot be before its start."))
        return data


class ReasonForm(ServerCheckedLengths, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True}),
        validators=[validators.validate_single_line],
    )


class ClaimForm(ServerCheckedLengths, forms.Form):
    unit = forms.ModelChoiceField(label=_("claiming unit"), queryset=MemberUnit.objects.none())
    note = forms.CharField(
        label=_("how the unit will help"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = scoping.units_acted_for(user)
        self.fields["unit"].queryset = units
        self.fields["unit"].initial = units.first()


class BrowseForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    category = forms.ModelChoiceField(
        label=_("category"), queryset=Category.objects.filter(is_active=True), required=False
    )
