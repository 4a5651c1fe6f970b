"""The secretary's admin for 吹哨报到: raise a summons, follow each department's part, close and rate; each
committee's default deadlines; overdue summons on the admin home. Writes go through matching.summons."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from committees import masking
from committees.admin.filters import InScopeCommitteeFilter
from committees.models import Department, Need
from config.admin.base import ScopedAdmin, ScopedInline
from config.admin.site import admin_site
from config.exceptions import InvalidTransition
from matching import scoping
from matching import summons as service
from matching.models import Summons, SummonsPart, SummonsRules

CLOSE_CHOICES = [
    ("", _("Keep open")),
    (Summons.Status.RESOLVED, _("Close: resolved")),
    (Summons.Status.UNRESOLVED, _("Close: not resolved")),
    (Summons.Status.PASSED_UP, _("Pass up to the committee above (beyond this committee)")),
]


CLOSE_FIELDS = ["close_as", "closing_note", "pass_up_departments"]


class SummonsRaiseForm(forms.ModelForm):
    departments = forms.ModelMultipleChoiceField(
        label=_("departments summoned"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    report_by = forms.DateTimeField(
        label=_("report by"), required=False, help_text=_("Empty: the committee's default deadline.")
    )
    resolve_by = forms.DateTimeField(
        label=_("resolve by"), required=False, help_text=_("Empty: the committee's default deadline.")
    )

    class Meta:
        model = Summons
        fields = ["committee", "title", "description", "place", "category", "urgency"]


class SummonsCloseForm(forms.ModelForm):
    close_as = forms.ChoiceField(label=_("close the matter"), choices=CLOSE_CHOICES, required=False)
    pass_up_departments = forms.ModelMultipleChoiceField(
        label=_("departments for the committee above to summon"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when passing the matter up; the closing note says why."),
    )

    def clean(self):
        data = super().clean()
        if data.get("close_as") == Summons.Status.PASSED_UP:
            if not data.get("pass_up_departments"):
                self.add_error(
                    "pass_up_departments", _("Choose the departments the committee above summons.")
                )
            if not (data.get("closing_note") or "").strip():
                self.add_error("closing_note", _("Say why the matter is beyond this committee."))
        return data

    class Meta:
        model = Summons
        fields = ["closing_note"]


class SummonsPartInline(ScopedInline):
    model = SummonsPart
    view_scope = staticmethod(scoping.summons_parts_for)
    fields = [
        "department",
        "status",
        "attendee",
        "reported_at",
        "finished_at",
        "unable_reason",
        "reminded_at",
        "escalated_at",
        "timeliness",
        "attitude",
        "result",
    ]
    readonly_fields = fields[:8]
    verbose_name_plural = _("departments summoned: reports and ratings")

    def get_queryset(self, request):
        in_full = masking.in_full(request.user, SummonsPart).filter(pk=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .select_related("department")
            .annotate(personal_in_full=Exists(in_full))
        )

    @admin.display(description=_("person coming"))
    def attendee(self, part):
        if not part.attendee_name:
            return "—"
        if getattr(part, "personal_in_full", False):
            return f"{part.attendee_name} {part.attendee_phone}".strip()
        name = masking.mask_value("attendee_name", part.attendee_name)
        return f"{name} {masking.mask_value('attendee_phone', part.attendee_phone)}".strip()

    def get_readonly_fields(self, request, obj=None):
        if obj is None or not scoping.manages_summons(request.user, obj):
            return self.fields
        return self.readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Summons, site=admin_site)
class SummonsAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.summons_for)
    change_scope = staticmethod(scoping.summons_to_manage)
    list_display = ["title", "committee", "category", "urgency", "status", "report_due_at", "resolve_due_at"]
    list_filter = [InScopeCommitteeFilter, "status", "urgency", "category"]
    search_fields = ["title", "place"]
    list_select_related = ["committee"]
    date_hierarchy = "raised_at"
    inlines = [SummonsPartInline]
    shown = [
        "committee",
        "title",
        "description",
        "place",
        "category",
        "urgency",
        "report_due_at",
        "resolve_due_at",
        "need",
        "status",
        "raised_by",
        "raised_at",
        "closed_by",
        "closed_at",
        "passed_up_to",
        "handling_records",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = SummonsRaiseForm
            kwargs["fields"] = [*SummonsRaiseForm.Meta.fields, "departments", "report_by", "resolve_by"]
        else:
            kwargs["form"] = SummonsCloseForm
            kwargs["fields"] = CLOSE_FIELDS if obj.is_open else []
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.is_open:
            above = obj.committee.parent
            form.base_fields["pass_up_departments"].queryset = (
                scoping.departments_to_summon(above) if above is not None else Department.objects.none()
            )
        if obj is None:
            form.base_fields["departments"].queryset = scoping.departments_for(request.user).filter(
                is_active=True
            )
            form.base_fields["committee"].queryset = scoping.committees_to_manage(request.user)
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*SummonsRaiseForm.Meta.fields, "departments", "report_by", "resolve_by"]
        return [*self.shown, *(CLOSE_FIELDS if obj.is_open else ["closing_note"])]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return self.shown if obj.is_open else [*self.shown, "closing_note"]

    def get_inlines(self, request, obj):
        return [SummonsPartInline] if obj else []

    @admin.display(description=_("handling records"))
    def handling_records(self, obj):
        records = scoping.summons_records_for(self._request_user).filter(part__summons=obj)
        rows = records.select_related("part__department", "created_by").order_by("created_at")[:50]
        if not rows:
            return "—"
        return format_html_join(
            "",
            "<p><strong>{}</strong> · {} · {}<br>{}</p>",
            (
                (
                    row.part.department.name,
                    timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M"),
                    row.created_by.get_full_name(),
                    row.text,
                )
                for row in rows
            ),
        )

    def get_object(self, request, object_id, from_field=None):
        self._request_user = request.user
        return super().get_object(request, object_id, from_field)

    def check_write(self, request, obj, data):
        if obj is None:
            committee = data.get("committee")
            if committee is None:
                return
            scoping.require_manages_committee(request.user, committee)
            chosen = {department.pk for department in data.get("departments") or []}
            allowed = set(
                scoping.departments_to_summon(committee).filter(pk__in=chosen).values_list("pk", flat=True)
            )
            if chosen - allowed:
                raise ValidationError(
                    {"departments": _("Only departments covering this area may be summoned.")}
                )
        elif data.get("close_as") and not scoping.can_close_summons(request.user, obj):
            raise ValidationError(_("The summons is already closed."))

    def save_model(self, request, obj, form, change):
        if change:
            return  # closing and ratings are saved together in save_related, through the service
        data = form.cleaned_data
        saved = service.raise_summons(
            by=request.user,
            committee=data["committee"],
            departments=data["departments"],
            title=data["title"],
            description=data.get("description", ""),
            place=data["place"],
            category=data["category"],
            urgency=data["urgency"],
            report_due_at=data.get("report_by"),
            resolve_due_at=data.get("resolve_by"),
        )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        if not change:
            return
        summons = Summons.objects.get(pk=form.instance.pk)
        ratings = {}
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # for the log
            if formset.model is not SummonsPart:
                continue
            for row in formset.forms:
                data = getattr(row, "cleaned_data", None) or {}
                scores = (data.get("timeliness"), data.get("attitude"), data.get("result"))
                if row.instance.pk and row.has_changed() and any(score is not None for score in scores):
                    ratings[row.instance.pk] = scores
        close_as = form.cleaned_data.get("close_as")
        if close_as == Summons.Status.PASSED_UP:
            passed = service.pass_up(
                summons=summons,
                by=request.user,
                departments=form.cleaned_data["pass_up_departments"],
                reason=form.cleaned_data.get("closing_note", ""),
            )
            messages.success(
                request,
                _("Passed up to %(committee)s as summons no. %(number)d.")
                % {"committee": passed.committee.name, "number": passed.pk},
            )
            return
        if close_as:
            service.close_summons(
                summons=summons,
                by=request.user,
                resolved=close_as == Summons.Status.RESOLVED,
                note=form.cleaned_data.get("closing_note", ""),
                ratings=ratings,
            )
            return
        for part in SummonsPart.objects.filter(pk__in=ratings, summons=summons):
            timeliness, attitude, result = ratings[part.pk]
            service.rate_part(
                part=part, by=request.user, timeliness=timeliness, attitude=attitude, result=result
            )


@admin.register(SummonsRules, site=admin_site)
class SummonsRulesAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.summons_rules_for)
    change_scope = staticmethod(scoping.summons_rules_to_manage)
    list_display = [
        "committee",
        "urgent_report_hours",
        "urgent_resolve_hours",
        "ordinary_report_days",
        "ordinary_resolve_days",
    ]
    list_select_related = ["committee"]
    fields = list_display

    def get_readonly_fields(self, request, obj=None):
        return ["committee"] if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "committee":
            kwargs["queryset"] = scoping.committees_to_manage(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def check_write(self, request, obj, data):
        committee = obj.committee if obj else data.get("committee")
        if committee is not None:
            scoping.require_manages_committee(request.user, committee)

    def save_model(self, request, obj, form, change):
        saved = service.save_rules(
            by=request.user,
            committee=obj.committee if change else form.cleaned_data["committee"],
            **{name: form.cleaned_data[name] for name in service.RULES_FIELDS},
        )
        obj.pk = saved.pk


def summons_from_need(modeladmin, request, queryset):
    """Need list action (committees owns the need admin): one need no unit could take becomes a summons, after a
    page choosing the departments, category and urgency; through summons.summons_from_need."""
    chosen = [
        need
        for need in (queryset & scoping.needs_for(request.user))[:2]
        if scoping.can_change(request.user, need)
    ]
    need = (
        chosen[0]
        if len(chosen) == 1 and chosen[0].status in (*Need.LIVE_STATUSES, Need.Status.DRAFT)
        else None
    )
    errors = []
    if need is not None and request.POST.get("confirmed") == "yes":
        allowed = scoping.departments_to_summon(need.committee)
        departments = list(
            allowed.filter(pk__in=[v for v in request.POST.getlist("departments") if v.isdigit()])
        )
        try:
            summons = service.summons_from_need(
                need=need,
                by=request.user,
                departments=departments,
                category=request.POST.get("category", ""),
                urgency=request.POST.get("urgency", Summons.Urgency.ORDINARY),
                place=request.POST.get("place", "").strip()[:200],
            )
        except (ValidationError, PermissionDenied, InvalidTransition) as error:
            errors = getattr(error, "messages", [str(error)])
        else:
            messages.success(request, _("Summons raised: %(title)s") % {"title": summons.title})
            return HttpResponseRedirect(reverse("admin:matching_summons_change", args=[summons.pk]))
    context = {
        **admin_site.each_context(request),
        "title": _("Raise a summons from the need"),
        "need": need,
        "departments": scoping.departments_to_summon(need.committee).order_by("kind", "name") if need else [],
        "categories": Summons.Category.choices,
        "urgencies": Summons.Urgency.choices,
        "errors": errors,
        "opts": Need._meta,
    }
    return TemplateResponse(request, "admin/matching/summons_from_need.html", context)


summons_from_need.short_description = _("Raise a summons (吹哨) from the selected need…")
admin_site.register_action(Need, summons_from_need)


def overdue_summons_panel(request):
    """The admin home: open summons with a department late to report, or past the deadline to resolve."""
    if not scoping.scope_of(request.user).manages_anything:
        return None
    now = timezone.now()
    overdue = service.overdue_summons_to_manage(request.user, now)
    rows = [
        (
            _("Overdue summons: %(title)s (%(committee)s, report by %(due)s)")
            % {
                "title": summons.title,
                "committee": summons.committee.name,
                "due": timezone.localtime(summons.report_due_at).strftime("%Y-%m-%d %H:%M"),
            },
            reverse("admin:matching_summons_change", args=[summons.pk]),
        )
        for summons in overdue[:10]
    ]
    return {
        "title": _("Summons (吹哨报到) overdue"),
        "rows": rows,
        "empty": _("No summons is overdue."),
    }


admin_site.register_panel(overdue_summons_panel, order=25)
