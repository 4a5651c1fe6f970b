"""Residents' public pages (民事民提), no account: the intake form of a community (reached by its QR code) and the
private follow-up link of a submission. The gate for the follow-up is the submission's unguessable token."""

import segno
from captcha.fields import CaptchaField
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from committees import scoping, validators
from committees.models import Submission
from committees.models.intake import TEXT_MAX_LENGTH
from committees.services import intake
from config.client_ip import client_ip

# A form of three short fields is far below this; anything larger is refused before it is parsed.
MAX_BODY_BYTES = 8 * 1024


class IntakeForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What do you need"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validators.validate_text],
    )
    place = forms.CharField(label=gettext_lazy("Where (building, courtyard)"), max_length=100, required=False)
    name = forms.CharField(label=gettext_lazy("Your name (optional)"), max_length=20, required=False)
    phone = forms.CharField(
        label=gettext_lazy("Your phone, so the community can call you back"),
        max_length=30,
        validators=[validators.validate_phone],
    )
    captcha = CaptchaField(label=gettext_lazy("Type the characters in the picture"))


def _community(area_code: str):
    return get_object_or_404(scoping.intake_committees(), area_code=area_code)


@never_cache
def intake_form(request, area_code: str):
    community = _community(area_code)
    length = request.META.get("CONTENT_LENGTH") or "0"
    too_large = not length.isdigit() or int(length) > MAX_BODY_BYTES
    if request.method == "POST" and too_large:
        context = {
            "community": community,
            "form": IntakeForm(),
            "refusal": _("What you sent is too long. Please keep it short."),
        }
        return render(request, "committees/public/intake.html", context, status=413)
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission = intake.submit(
                committee=community,
                text=data["text"],
                place=data["place"],
                name=data["name"],
                phone=data["phone"],
                address=client_ip(request) or "",
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            return redirect("resident_follow_up", token=submission.token)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "committees/public/intake.html", {"community": community, "form": form}, status=status
    )


@never_cache
def follow_up(request, token: str):
    """The stage of one submission and nothing else: no text, place, name or phone is shown back."""
    submission = Submission.objects.filter(token=token).select_related("committee").first()
    if submission is None or len(token) < 20:
        raise Http404
    stage = intake.stage_of(submission)
    steps = (
        [
            {
                "key": key,
                "label": intake.STAGES[key],
                "reached": intake.STAGE_ORDER.index(key) <= intake.STAGE_ORDER.index(stage),
            }
            for key in intake.STAGE_ORDER
        ]
        if stage != "declined"
        else []
    )
    return render(
        request,
        "committees/public/follow_up.html",
        {
            "community": submission.committee,
            "stage": stage,
            "stage_label": intake.STAGES[stage],
            "steps": steps,
            "received_on": submission.created_at,
            "decline_reason": submission.decline_reason if stage == "declined" else "",
        },
    )


@login_required
def poster(request, area_code: str):
    """A printable A4 poster with the community's name and the QR code of its intake page (segno, made here:
    no outside service). For the secretaries who manage the community."""
    community = _community(area_code)
    if not scoping.manages_committee(request.user, community):
        raise Http404
    url = request.build_absolute_uri(reverse("resident_intake", args=[community.area_code]))
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=8, border=2, dark="#000", omitsize=False)
    return render(
        request, "committees/public/poster.html", {"community": community, "url": url, "qr_svg": svg}
    )
