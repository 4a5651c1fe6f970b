"""The secretaries' admin for residents' judgement: rating codes of completed projects (handed out with the
project), residents' ratings (read only; their comments are for the committee), and satisfaction surveys with
their link and results."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from config.admin.base import ScopedAdmin
from config.admin.site import admin_site
from matching import scoping
from matching.models.residents import RatingCode, ResidentRating, Survey
from matching.outcomes import residents


class RatingCodeForm(forms.ModelForm):
    class Meta:
        model = RatingCode
        fields = ["project"]


@admin.register(RatingCode, site=admin_site)
class RatingCodeAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.rating_codes_for)
    change_scope = staticmethod(scoping.rating_codes_to_manage)
    form = RatingCodeForm
    list_display = ["project", "code", "rating_page", "created_at"]
    list_select_related = ["project"]

    def get_readonly_fields(self, request, obj=None):
        return ["project", "code"] if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "project":
            kwargs["queryset"] = scoping.ratable_projects(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    actions = ["issue_links"]

    @admin.action(description=_("Issue 10 one-time rating links for each selected project"))
    def issue_links(self, request, queryset):
        for code in queryset & scoping.rating_codes_to_manage(request.user):
            try:
                links = residents.issue_rating_links(project=code.project, by=request.user, count=10)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"{code.project}: {error}", messages.ERROR)
                continue
            urls = " ".join(
                request.build_absolute_uri(reverse("resident_rate", args=[code.project_id]))
                + f"?link={link.token}"
                for link in links
            )
            self.message_user(request, f"{code.project}: {urls}", messages.SUCCESS)

    @admin.display(description=_("rating page"))
    def rating_page(self, code):
        url = reverse("resident_rate", args=[code.project_id]) + f"?code={code.code}"
        return format_html('<a href="{}" target="_blank">{}</a>', url, url)

    def check_write(self, request, obj, data):
        if obj is None and data.get("project") is not None:
            if not scoping.may_issue_rating_code(request.user, data["project"]):
                raise PermissionDenied

    def save_model(self, request, obj, form, change):
        if not change:
            saved = residents.issue_rating_code(project=form.cleaned_data["project"], by=request.user)
            obj.pk, obj.code = saved.pk, saved.code


@admin.register(ResidentRating, site=admin_site)
class ResidentRatingAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.resident_ratings_for)
    change_scope = staticmethod(lambda user: ResidentRating.objects.none())
    list_display = ["project", "score", "comment", "created_at"]
    list_select_related = ["project"]
    fields = ["project", "score", "comment", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class SurveyForm(forms.ModelForm):
    questions_text = forms.CharField(
        label=_("questions"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One question a line; each is answered on a scale of 1 to 5."),
    )

    class Meta:
        model = Survey
        fields = ["committee", "title", "opens_on", "closes_on"]


@admin.register(Survey, site=admin_site)
class SurveyAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.surveys_for)
    change_scope = staticmethod(scoping.surveys_to_manage)
    form = SurveyForm
    list_display = ["title", "committee", "opens_on", "closes_on", "answer_count", "survey_link"]
    list_select_related = ["committee"]

    def get_fields(self, request, obj=None):
        if obj:
            return ["committee", "title", "opens_on", "closes_on", "survey_link", "results"]
        return ["committee", "title", "opens_on", "closes_on", "questions_text"]

    def get_readonly_fields(self, request, obj=None):
        return ["committee", "title", "opens_on", "closes_on", "survey_link", "results"] if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "committee":
            kwargs["queryset"] = scoping.committees_to_manage(request.user).exclude(level="district")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("answers"))
    def answer_count(self, survey):
        return survey.answers.count()

    @admin.display(description=_("survey link"))
    def survey_link(self, survey):
        url = reverse("resident_survey", args=[survey.token])
        return format_html('<a href="{}" target="_blank">{}</a>', url, url)

    @admin.display(description=_("results"))
    def results(self, survey):
        summary = residents.survey_results(survey)
        rows = format_html_join(
            "",
            "<li>{}: {}</li>",
            ((q["question"], q["mean"] if q["mean"] is not None else "—") for q in summary["questions"]),
        )
        return format_html(
            "{} {} · {} {}%<ul>{}</ul>",
            _("answers"),
            summary["answers"],
            _("Residents' satisfaction rate"),
            summary["rate"] if summary["rate"] is not None else "—",
            rows,
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def check_write(self, request, obj, data):
        committee = data.get("committee")
        if obj is None and isinstance(committee, Committee):
            scoping.require_manages_committee(request.user, committee)
        try:
            residents.clean_questions((data.get("questions_text") or "").splitlines())
        except ValidationError as error:
            raise ValidationError({"questions_text": error.message_dict["questions"]}) from error

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = residents.create_survey(
            by=request.user,
            committee=data["committee"],
            title=data["title"],
            questions=data["questions_text"].splitlines(),
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
        )
        obj.pk = saved.pk
