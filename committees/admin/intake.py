"""The community secretary's inbox of residents' submissions (民事民提): read, call back, then accept onto the needs
list, merge into an open need (likely duplicates shown by the matcher's words), or decline with a reason."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from committees import scoping
from committees.masking import mask_name, mask_phone
from committees.models import Category, Need, Submission
from committees.services import intake
from config.admin.base import ScopedAdmin
from config.admin.site import admin_site
from config.exceptions import InvalidTransition


class AcceptForm(forms.Form):
    category = forms.ModelChoiceField(label=_("category"), queryset=Category.objects.filter(is_active=True))
    title = forms.CharField(label=_("title"), max_length=100)
    quantity = forms.IntegerField(label=_("quantity"), min_value=1, initial=1)


class MergeForm(forms.Form):
    need = forms.ModelChoiceField(label=_("need on the list"), queryset=Need.objects.none())


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


@admin.register(Submission, site=admin_site)
class SubmissionAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.submissions_for)
    change_scope = staticmethod(scoping.submissions_for)
    list_display = ["created_at", "committee", "summary", "masked_phone", "status"]
    list_filter = ["status"]
    list_select_related = ["committee"]

    @admin.display(description=_("resident's phone"))
    def masked_phone(self, submission):
        return mask_phone(submission.phone)

    def has_add_permission(self, request, *args) -> bool:
        return False  # residents submit on the public page

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request) or (
            request.method == "POST" and not self.has_change_permission(request)
        ):
            raise PermissionDenied
        submission = get_object_or_404(
            self.get_queryset(request).select_related("committee", "need"), pk=object_id
        )
        action = request.POST.get("do") if request.method == "POST" else None
        forms_ = {
            "accept": AcceptForm(
                request.POST if action == "accept" else None, initial={"title": submission.text[:40].strip()}
            ),
            "merge": MergeForm(request.POST if action == "merge" else None),
            "decline": DeclineForm(request.POST if action == "decline" else None),
        }
        forms_["merge"].fields["need"].queryset = intake.mergeable_needs(
            submission
        ) & scoping.needs_to_manage(request.user)
        if action in forms_ and forms_[action].is_valid():
            data = forms_[action].cleaned_data
            try:
                if action == "accept":
                    intake.accept(submission, by=request.user, **data)
                elif action == "merge":
                    intake.merge(submission, by=request.user, need=data["need"])
                else:
                    intake.decline(submission, by=request.user, reason=data["reason"])
            except ValidationError as error:
                forms_[action].add_error(None, error)
            except (InvalidTransition, PermissionDenied) as error:
                self.message_user(request, str(error) or _("You may not make this change."), messages.ERROR)
                return HttpResponseRedirect(request.path)
            else:
                self.message_user(request, _("The submission has been handled."), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:committees_submission_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Resident's submission"),
            "submission": submission,
            "masked_name": mask_name(submission.name),
            "duplicates": intake.likely_duplicates(submission) if submission.status == "received" else [],
            "forms": forms_,
            "stage": intake.STAGES[intake.stage_of(submission)],
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/committees/submission_handle.html", context)
