"""Residents' public pages, no account (公示 · 民事民评 · 满意度调查): the notice of a community or street (cached
per committee), the rating of a completed project (its code, once per phone), and a survey (its link). Nothing
here shows a person's name, phone or a resident's own words."""

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from committees import validators
from committees.models import Project
from matching import photos
from matching.models.residents import Survey
from matching.outcomes import evaluation
from matching.outcomes import residents as residents_module

SCORES = [(n, str(n)) for n in range(5, 0, -1)]


def notice(request, area_code: str):
    """The public notice of a community or street, served from the cache (a minute, or until a rating)."""
    committee = get_object_or_404(residents_module.public_committees(), area_code=area_code)
    key = residents_module.page_key(
        area_code, "notice" if translation.get_language() != "en" else "notice-en"
    )
    html = cache.get(key)
    if html is None:
        context = residents_module.public_notice(committee)
        context["chart_data"] = {
            "trend": context["published"][0]["trend"] if context["published"] else [],
            "units": [],
        }
        html = render_to_string("matching/public/notice.html", context, request=None)
        cache.set(key, html, residents_module.PUBLIC_CACHE_SECONDS)
    response = HttpResponse(html)
    # A shared cache (the proxy) may keep it a minute; a browser asks again, so a resident who just rated sees it.
    response["Cache-Control"] = f"public, max-age=0, s-maxage={residents_module.PUBLIC_CACHE_SECONDS}"
    return response


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=gettext_lazy("Your rating"), choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional, seen by the community only)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validators.validate_text],
    )
    phone = forms.CharField(
        label=gettext_lazy("Your phone"), max_length=30, validators=[validators.validate_phone]
    )
    code = forms.CharField(
        label=gettext_lazy("Rating code from the community"), max_length=12, required=False
    )
    link = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@never_cache
def rate_project(request, pk: int):
    try:
        project = residents_module.public_project(pk)
    except Project.DoesNotExist as error:
        raise Http404 from error
    form = RatingForm(
        request.POST or None,
        initial={"code": request.GET.get("code", ""), "link": request.GET.get("link", "")},
    )
    if request.GET.get("link") or request.POST.get("link"):
        del form.fields["code"]  # a one-time link admits the rating by itself
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            residents_module.rate(
                project=project,
                code=data.get("code", ""),
                link=data.get("link", ""),
                phone=data["phone"],
                score=data["score"],
                comment=data["comment"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect(f"{request.path}?thanks=1")
    rate = residents_module.resident_rates([project.pk]).get(project.pk)
    return render(
        request,
        "matching/public/rate.html",
        {
            "project": project,
            "form": form,
            "rate": rate,
            "is_open": evaluation.is_open(project),
            "thanks": request.GET.get("thanks") == "1",
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
def survey(request, token: str):
    survey = get_object_or_404(Survey.objects.select_related("committee"), token=token)
    is_open = residents_module.survey_is_open(survey)
    done = request.COOKIES.get(f"survey-{survey.pk}") == "done"
    errors = []
    if request.method == "POST" and is_open and not done:
        scores = [request.POST.get(f"q{index}") for index in range(len(survey.questions))]
        try:
            residents_module.answer_survey(survey=survey, scores=scores)
        except ValidationError as error:
            errors = error.messages
        else:
            response = redirect(request.path)
            # Not who answered, only that this browser did: no account, phone or address is stored with the answer.
            response.set_cookie(f"survey-{survey.pk}", "done", max_age=60 * 60 * 24 * 90, samesite="Lax")
            return response
    return render(
        request,
        "matching/public/survey.html",
        {
            "survey": survey,
            "questions": list(enumerate(survey.questions)),
            "scores": SCORES,
            "is_open": is_open,
            "done": done,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def photo(request, pk: int):
    """A progress photo its unit chose to show on the public notice: re-encoded when uploaded, served inert."""
    update = residents_module.public_photo(pk)
    if update is None:
        raise Http404
    try:
        kind = photos.stored_type(update.photo)
        if kind is None:
            raise Http404
        response = FileResponse(update.photo.open("rb"), content_type=kind.content_type)
    except FileNotFoundError as error:
        raise Http404 from error
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=300"
    return response
