"""Meetings (会议) and rules of procedure in the admin: agendas whose decisions go through the services."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
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
from matching.pipeline import deliberate


class AgendaItemForm(forms.ModelForm):
    """A new row puts a topic on the agenda; a pending row takes the meeting's decision; a decided row is kept."""

    class Meta:
        model = AgendaItem
        fields = ["proposal", "decision", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["proposal"].disabled = True
            if self.instance.decision != Decision.PENDING:
                self.fields["decision"].disabled = self.fields["note"].disabled = True


class AgendaFormSet(forms.BaseInlineFormSet):
    """The services' rules, checked before anything is saved, so that a refusal shows on its row."""

    def clean(self):
        super().clean()
        meeting = self.instance
        for row in self.forms:
            if (
                not row.has_changed()
                or not getattr(row, "cleaned_data", None)
                or row.cleaned_data.get("DELETE")
            ):
                continue
            proposal = row.cleaned_data.get("proposal")
            try:
                if row.instance.pk is None and proposal is not None and meeting.committee_id:
                    meetings.check_agenda_topic(meeting, proposal)
                decision = row.cleaned_data.get("decision", Decision.PENDING)
                if decision != Decision.PENDING and "decision" in row.changed_data:
                    meetings.check_can_decide(meeting)
            except ValidationError as error:
                row.add_error(None, error)


class AgendaInline(ScopedInline):
    model = AgendaItem
    form = AgendaItemForm
    formset = AgendaFormSet
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

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            fields = {name: data[name] for name in form.changed_data if name in meetings.MEETING_FIELDS}
            meetings.update_meeting(obj, by=request.user, attendees=data.get("attendees"), **fields)
            return
        saved = meetings.schedule_meeting(
            committee=data["committee"],
            by=request.user,
            title=data["title"],
            held_on=data["held_on"],
            kind=data["kind"],
            place=data.get("place", ""),
            attendees=data.get("attendees") or (),
        )
        if data.get("is_held") or data.get("minutes"):  # a meeting recorded after it took place
            meetings.update_meeting(
                saved, by=request.user, is_held=data.get("is_held", False), minutes=data.get("minutes", "")
            )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        """The agenda through the services: a new row is put on the agenda, a decision recorded by the meeting's
        service (attendees were set by save_model)."""
        meeting = Meeting.objects.get(pk=form.instance.pk)
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for row in formset.forms:
                if not row.has_changed() or not row.cleaned_data or row.cleaned_data.get("DELETE"):
                    continue
                item = row.instance
                if item.pk is None:
                    item = meetings.put_on_agenda(
                        meeting, proposal=row.cleaned_data["proposal"], by=request.user
                    )
                decision = row.cleaned_data.get("decision", Decision.PENDING)
                if decision != Decision.PENDING and decision != item.decision:
                    meetings.record_meeting_decision(
                        item, by=request.user, decision=decision, note=row.cleaned_data.get("note", "")
                    )


@admin.register(RulesOfProcedure, site=admin_site)
class RulesOfProcedureAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.rules_for)
    change_scope = staticmethod(scoping.rules_to_manage)
    list_display = ["committee", "approval", "quorum_percent", "majority_percent", "decision_days"]
    autocomplete_fields = ["committee"]

    def get_readonly_fields(self, request, obj=None):
        return ["committee"] if obj else []

    def check_write(self, request, obj, data):
        committee = obj.committee if obj else data.get("committee")
        if committee is not None:
            scoping.require_manages_committee(request.user, committee)

    def save_model(self, request, obj, form, change):
        committee = obj.committee if change else form.cleaned_data["committee"]
        fields = {
            name: form.cleaned_data[name] for name in deliberate.RULES_FIELDS if name in form.cleaned_data
        }
        obj.pk = deliberate.set_rules(committee=committee, by=request.user, **fields).pk
