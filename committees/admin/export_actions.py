"""Exporting personal data in full: the purpose asked first (every admin's in-full export), and the two ledger
actions (masked, and in full with a logged purpose) of the 双报到 admins."""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from committees import scoping
from committees.ledgers import reporting as ledgers
from config.admin.base import read_only_action

from .forms import PurposeForm


def export_in_full_with_purpose(modeladmin, request, queryset, respond):
    """Ask the purpose of an export in full (a page before the file); with it, `respond(purpose, filters)`
    writes the file and its log entry."""
    form = PurposeForm(request.POST if "purpose" in request.POST else None)
    if form.is_valid():
        return respond(form.cleaned_data["purpose"], request.GET.urlencode())
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": _("Export with personal data in full"),
        "form": form,
        "count": queryset.count(),
        "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action_url": request.get_full_path(),
    }
    return TemplateResponse(request, "admin/committees/export_in_full.html", context)


class ReportingLedgerActions:
    @read_only_action
    @admin.action(description=_("Export the selected rows as a ledger (xlsx, personal data masked)"))
    def export_ledger(self, request, queryset):
        return ledgers.ledger_response(request.user, queryset)

    @admin.action(description=_("Export with personal data in full…"), permissions=["export_in_full"])
    def export_ledger_in_full(self, request, queryset):
        return export_in_full_with_purpose(
            self,
            request,
            queryset,
            lambda purpose, filters: ledgers.ledger_response(
                request.user, queryset, purpose=purpose, filters=filters
            ),
        )

    def has_export_in_full_permission(self, request) -> bool:
        return scoping.scope_of(request.user).manages_anything
