"""Meetings (会议) and rules of procedure in the admin: agendas whose decisions go through the services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from committees.admin.filters import InScopeCommitteeFilter
from config.admin.base import ScopedAdmin, ScopedInline
from config.admin.site import admin_site
from matching import meetings, scoping
from matching.models import AgendaItem, Decision, Meeting, RulesOfProcedure


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["proposal", "decision", "note"]


class AgendaInline(ScopedInline):
    model = AgendaItem
    form = AgendaItemForm
    view_scope = staticmethod(lambda user: AgendaItem.objects.all())  # rows of a meeting the user may see
    autocomplete_fields = ["proposal"]
    extra = 1

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "proposal__need", "proposal__resource", "proposal__provider_unit", "proposal__committee"
            )
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "proposal":
            kwargs["queryset"] = scoping.proposals_for(request.user).filter(
                committee__in=scoping.committees_to_manage(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Meeting, site=admin_site)
class MeetingAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.meetings_for)
    change_scope = staticmethod(scoping.meetings_to_manage)
    list_display = ["title", "kind", "committee", "held_on", "place", "is_held", "printable"]
    list_filter = [InScopeCommitteeFilter, "kind", "is_held"]
    list_select_related = ["committee"]
    search_fields = ["title", "minutes"]
    autocomplete_fields = ["committee", "attendees"]
    fields = ["committee", "kind", "title", "held_on", "place", "attendees", "is_held", "minutes"]
    inlines = [AgendaInline]

    @admin.display(description=_("agenda and minutes"))
    def printable(self, meeting):
        url = reverse("admin:matching_meeting_print", args=[meeting.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("Print"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/print/", self.admin_site.admin_view(self.print_view), name="matching_meeting_print"
            ),
            *super().get_urls(),
        ]

    def print_view(self, request, pk):
        meeting = get_object_or_404(self.get_queryset(request).select_related("committee"), pk=pk)
        agenda = meeting.agenda.select_related(
            "proposal__need", "proposal__resource", "proposal__provider_unit"
        )
        return TemplateResponse(
            request,
            "matching/meeting_print.html",
            {
                "meeting": meeting,
                "agenda": agenda,
                "attendees": meeting.attendees.order_by("name"),
            },
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "attendees":
            kwargs["queryset"] = scoping.people_for(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        """Agenda rows are saved here; their decisions go through the deliberation service."""
        form.save_m2m()
        for formset in formsets:
            decided = []
            for item_form in formset.forms:
                if (
                    not item_form.has_changed()
                    or not item_form.cleaned_data
                    or item_form.cleaned_data.get("DELETE")
                ):
                    continue
                decision = item_form.cleaned_data.get("decision", Decision.PENDING)
                note = item_form.cleaned_data.get("note", "")
                item = item_form.save(commit=False)
                item.meeting = form.instance
                if item.pk is None:
                    item.decision = Decision.PENDING
                    item.save()
                if decision != Decision.PENDING:
                    decided.append((item, decision, note))
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for item, decision, note in decided:
                try:
                    meetings.record_meeting_decision(item, by=request.user, decision=decision, note=note)
                except (ValidationError, PermissionDenied) as error:
                    messages.warning(request, f"{item}: {' '.join(getattr(error, 'messages', [str(error)]))}")
        if not change:
            meetings.notify_attendees(form.instance)


@admin.register(RulesOfProcedure, site=admin_site)
class RulesOfProcedureAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.rules_for)
    change_scope = staticmethod(scoping.rules_to_manage)
    list_display = ["committee", "approval", "quorum_percent", "majority_percent", "decision_days"]
    autocomplete_fields = ["committee"]
