"""Admin for the three lists, collection rounds and claims: scoped like the registry; changes go through services."""

import secrets

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from committees import ledgers, scoping, services, validators
from committees.models import (
    Category,
    Claim,
    CollectionRequest,
    CollectionRound,
    Need,
    PersonalDataExport,
    Project,
    Resource,
)
from config.admin.base import DeclaredLookupsMixin, ScopedAdmin, ScopedInline, read_only_action
from config.admin.site import admin_site

from .export_actions import export_in_full_with_purpose
from .filters import InScopeCommitteeFilter
from .masking import MaskedPersonalDataMixin


@admin.register(Category, site=admin_site)
class CategoryAdmin(ScopedAdmin):
    view_scope = staticmethod(lambda user: Category.objects.all())
    change_scope = staticmethod(
        lambda user: Category.objects.all() if user.is_superuser else Category.objects.none()
    )
    list_display = ["name", "name_en", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]

    def has_add_permission(self, request, *args) -> bool:
        return request.user.is_superuser  # one taxonomy for the whole city

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser  # the list's inline edits too


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("xlsx file"),
        help_text=_("At most 20,000 rows and 10 MB; the first row holds the template's headers."),
    )
    publish = forms.BooleanField(
        label=_("Publish at once"),
        required=False,
        help_text=_("Otherwise the records are created as drafts, for you to check and publish."),
    )


IMPORT_ERRORS_SHOWN = 200
IMPORT_REPORT_SECONDS = 3600


class ListRecordAdmin(MaskedPersonalDataMixin, ScopedAdmin):
    change_list_template = "admin/committees/records_change_list.html"
    list_display = [
        "title",
        "category",
        "owner_name",
        "committee",
        "quantity_display",
        "reach",
        "status",
        "updated_at",
    ]
    list_filter = [InScopeCommitteeFilter, "status", "category", "reach"]
    search_fields = ["title", "description", "owner_unit__name", "owner_committee__name"]
    list_select_related = ["category", "owner_unit", "owner_committee", "committee"]
    autocomplete_fields = ["owner_unit", "owner_committee", "committee"]
    readonly_fields = [
        "status",
        "status_reason",
        "allocated_quantity",
        "published_at",
        "collection_request",  # set when a unit answers a round: shown, not chosen (a list of every request)
        "created_by",
        "created_at",
    ]
    actions = ["publish", "withdraw", "export_ledger", "export_ledger_in_full"]
    date_hierarchy = "created_at"

    def check_write(self, request, obj, data):
        if obj is None:
            if data.get("committee"):
                try:
                    services.check_owner(
                        by=request.user,
                        owner_unit=data.get("owner_unit"),
                        owner_committee=data.get("owner_committee"),
                        committee=data["committee"],
                    )
                except PermissionDenied as error:
                    raise ValidationError(
                        _("You may not publish for this owner on this committee.")
                    ) from error
        elif not scoping.can_edit_record(request.user, obj):
            raise ValidationError(_("Only drafts and published records without allocations can be edited."))
        deadline = data.get("deadline")
        if deadline and (obj is None or deadline != obj.deadline):
            try:
                validators.validate_deadline_not_past(deadline)
            except ValidationError as error:
                raise ValidationError({"deadline": error.error_list}) from error

    def get_readonly_fields(self, request, obj=None):
        fixed = ["owner_unit", "owner_committee", "committee"] if obj else []
        return [*fixed, *super().get_readonly_fields(request, obj)]

    @admin.display(description=_("owner"))
    def owner_name(self, obj) -> str:
        return str(obj.owner)

    @admin.display(description=_("quantity (remaining / total)"))
    def quantity_display(self, obj) -> str:
        return f"{obj.remaining_quantity} / {obj.quantity} {obj.get_measure_display()}"

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name]
            for name in services.editable_fields(self.model)
            if name in form.cleaned_data
        }
        if change:
            saved = services.update_record(obj, by=request.user, **fields)
        else:
            saved = services.create_record(
                self.model,
                by=request.user,
                owner_unit=form.cleaned_data.get("owner_unit"),
                owner_committee=form.cleaned_data.get("owner_committee"),
                committee=form.cleaned_data["committee"],
                **fields,
            )
        obj.pk = saved.pk

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request, queryset):
        done = 0
        for record in queryset & self.change_scope(request.user):
            try:
                services.publish_record(record, by=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{record.title}: {' '.join(error.messages)}", messages.WARNING)
        self.message_user(request, _("%(count)d records published.") % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Withdraw the selected records…"))
    def withdraw(self, request, queryset):
        records = list(queryset & self.change_scope(request.user))
        reason = request.POST.get("reason", "").strip()
        if request.POST.get("confirmed") != "yes" or not reason:
            context = {**self.admin_site.each_context(request), "records": records, "opts": self.model._meta}
            return TemplateResponse(request, "admin/committees/withdraw_confirmation.html", context)
        done = 0
        for record in records:
            try:
                services.withdraw_record(record, by=request.user, reason=reason)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{record.title}: {' '.join(error.messages)}", messages.WARNING)
        self.message_user(request, _("%(count)d records withdrawn.") % {"count": done}, messages.SUCCESS)
        return None

    # --- Ledgers: export and import ---------------------------------------------------------------------------

    @read_only_action
    @admin.action(description=_("Export as a ledger (xlsx, contacts masked)"))
    def export_ledger(self, request, queryset):
        return ledgers.records_response(request.user, queryset)

    @admin.action(description=_("Export with personal data in full…"), permissions=["export_in_full"])
    def export_ledger_in_full(self, request, queryset):
        return export_in_full_with_purpose(
            self,
            request,
            queryset,
            lambda purpose, filters: ledgers.records_in_full_response(
                request.user, queryset, purpose=purpose, filters=filters
            ),
        )

    def has_export_in_full_permission(self, request) -> bool:
        return scoping.scope_of(request.user).manages_anything

    def can_import(self, request) -> bool:
        return scoping.scope_of(request.user).manages_anything

    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name=self._url_name("import")),
            path("import/template/", wrap(self.import_template_view), name=self._url_name("import_template")),
            path(
                "import/errors/<str:token>/",
                wrap(self.import_errors_view),
                name=self._url_name("import_errors"),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.can_import(request):
            extra_context["import_url"] = reverse(f"admin:{self._url_name('import')}")
            extra_context["import_template_url"] = reverse(f"admin:{self._url_name('import_template')}")
            extra_context["import_form"] = ImportForm()
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        """Upload a file of records: every row is checked; all are created, or none and the errors are shown."""
        if not self.can_import(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        errors, report_url = [], None
        if request.method == "POST" and form.is_valid():
            try:
                result = ledgers.import_file(
                    self.model,
                    form.cleaned_data["file"],
                    by=request.user,
                    publish=form.cleaned_data["publish"],
                )
            except ledgers.LedgerFileError as error:
                form.add_error("file", error.message)
            else:
                if not result.errors:
                    self.message_user(request, self._imported_message(result.created, form), messages.SUCCESS)
                    return HttpResponseRedirect(reverse(f"admin:{self._url_name('changelist')}"))
                errors = result.errors
                token = secrets.token_urlsafe(16)
                cache.set(self._report_key(request, token), errors, IMPORT_REPORT_SECONDS)
                report_url = reverse(f"admin:{self._url_name('import_errors')}", args=[token])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import %(records)s from xlsx") % {"records": self.model._meta.verbose_name_plural},
            "form": form,
            "errors": errors[:IMPORT_ERRORS_SHOWN],
            "error_count": len(errors),
            "error_rows": len({number for number, _column, _message in errors}),
            "report_url": report_url,
            "template_url": reverse(f"admin:{self._url_name('import_template')}"),
            "changelist_url": reverse(f"admin:{self._url_name('changelist')}"),
        }
        return TemplateResponse(request, "admin/committees/records_import.html", context)

    @staticmethod
    def _imported_message(count: int, form) -> str:
        if form.cleaned_data["publish"]:
            text = ngettext(
                "%(count)d record imported and published.", "%(count)d records imported and published.", count
            )
        else:
            text = ngettext(
                "%(count)d record imported as a draft.", "%(count)d records imported as drafts.", count
            )
        return text % {"count": count}

    def _report_key(self, request, token: str) -> str:
        # The user's id is part of the key: a token seen by someone else opens nothing for them.
        return f"ledgers:import-errors:{self.opts.model_name}:{request.user.pk}:{token}"

    def import_template_view(self, request):
        if not self.can_import(request):
            raise PermissionDenied
        return ledgers.template_response(self.model, request.user)

    def import_errors_view(self, request, token: str):
        if not self.can_import(request):
            raise PermissionDenied
        errors = cache.get(self._report_key(request, token))
        if errors is None:
            self.message_user(
                request, _("The error report has expired; upload the file again."), messages.WARNING
            )
            return HttpResponseRedirect(reverse(f"admin:{self._url_name('import')}"))
        return ledgers.xlsx_response(ledgers.errors_workbook(errors), ledgers.errors_filename())


@admin.register(Resource, site=admin_site)
class ResourceAdmin(ListRecordAdmin):
    view_scope = staticmethod(scoping.resources_for)
    change_scope = staticmethod(scoping.resources_to_manage)
    list_filter = [*ListRecordAdmin.list_filter, "kind", "booking"]


@admin.register(Need, site=admin_site)
class NeedAdmin(ListRecordAdmin):
    view_scope = staticmethod(scoping.needs_for)
    change_scope = staticmethod(scoping.needs_to_manage)
    list_display = [*ListRecordAdmin.list_display[:-1], "deadline", "urgency", "updated_at"]
    list_filter = [*ListRecordAdmin.list_filter, "urgency", "source"]
    readonly_fields = [*ListRecordAdmin.readonly_fields, "claim_hall_from"]


@admin.register(Claim, site=admin_site)
class ClaimAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.claims_for)
    change_scope = staticmethod(lambda user: Claim.objects.none())  # claims are made and cancelled by units
    list_display = ["need", "unit", "status", "note", "created_by", "created_at"]
    list_filter = [("need__committee", admin.RelatedOnlyFieldListFilter), "status"]
    list_select_related = ["need", "unit", "created_by"]
    search_fields = ["need__title", "unit__name"]

    def has_add_permission(self, request, *args) -> bool:
        return False


class RequestInline(ScopedInline):
    model = CollectionRequest
    view_scope = staticmethod(lambda user: CollectionRequest.objects.all())  # within a round the user may see
    fields = readonly_fields = ["unit", "answered_at", "nothing_this_time", "answered_by"]
    verbose_name_plural = _("requests to member units")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("unit", "answered_by")
            .order_by(F("answered_at").desc(nulls_first=True), "unit__name")  # who has not answered, first
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class RoundForm(forms.ModelForm):
    class Meta:
        model = CollectionRound
        fields = ["committee", "title", "description", "opens_on", "closes_on", "categories"]


@admin.register(CollectionRound, site=admin_site)
class CollectionRoundAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.rounds_for)
    change_scope = staticmethod(scoping.rounds_to_manage)
    form = RoundForm
    list_display = ["title", "committee", "opens_on", "closes_on", "response_rate", "unanswered"]
    list_filter = [InScopeCommitteeFilter]
    list_select_related = ["committee"]
    search_fields = ["title"]
    autocomplete_fields = ["committee"]
    filter_horizontal = ["categories"]
    inlines = [RequestInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                asked=Count("requests", distinct=True),
                answered=Count("requests", filter=Q(requests__answered_at__isnull=False), distinct=True),
            )
        )

    @admin.display(description=_("response rate"))
    def response_rate(self, obj) -> str:
        return f"{obj.answered}/{obj.asked} ({obj.answered * 100 // obj.asked}%)" if obj.asked else "—"

    @admin.display(description=_("not answered"))
    def unanswered(self, obj) -> int:
        return obj.asked - obj.answered

    def get_readonly_fields(self, request, obj=None):
        return ["committee"] if obj else []

    def get_inlines(self, request, obj=None):
        return self.inlines if obj else []  # requests exist once the round is opened

    def check_write(self, request, obj, data):
        if obj is None and data.get("committee"):
            scoping.require_manages_committee(request.user, data["committee"])
        elif obj is not None and not scoping.manages_round(request.user, obj):
            raise PermissionDenied

    def save_model(self, request, obj, form, change):
        if change:
            fields = {name: form.cleaned_data[name] for name in services.rounds.ROUND_FIELDS}
            services.update_collection_round(
                obj, by=request.user, categories=form.cleaned_data["categories"], **fields
            )
            return
        saved = services.open_collection_round(
            committee=form.cleaned_data["committee"],
            by=request.user,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            opens_on=form.cleaned_data["opens_on"],
            closes_on=form.cleaned_data["closes_on"],
            categories=form.cleaned_data["categories"],
        )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        pass  # the categories were set by the service; the requests inline is read-only


@admin.register(Project, site=admin_site)
class ProjectAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.projects_for)
    change_scope = staticmethod(
        lambda user: Project.objects.none()
    )  # projects are created by the confirm stage
    list_display = ["title", "committee", "lead_unit", "starts_on", "ends_on", "status"]
    list_filter = [InScopeCommitteeFilter, "status"]
    list_select_related = ["committee", "lead_unit"]
    search_fields = ["title", "lead_unit__name"]
    actions = ["export_ledger"]

    def has_add_permission(self, request, *args) -> bool:
        return False

    @read_only_action
    @admin.action(description=_("Export as a ledger (xlsx)"))
    def export_ledger(self, request, queryset):
        return ledgers.projects_response(queryset)


@admin.register(PersonalDataExport, site=admin_site)
class PersonalDataExportAdmin(DeclaredLookupsMixin, admin.ModelAdmin):
    """The log of unmasked exports, read-only: superusers see all of it, secretaries their own exports."""

    list_display = ["created_at", "user", "ledger_name", "rows", "purpose", "filters"]
    list_select_related = ["user"]
    search_fields = ["purpose", "user__username", "user__name"]
    date_hierarchy = "created_at"
    fields = ["created_at", "user", "ledger_name", "rows", "purpose", "filters"]
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request):
        exports = super().get_queryset(request)
        return exports if request.user.is_superuser else exports.filter(user_id=request.user.pk)

    def has_module_permission(self, request) -> bool:
        return scoping.scope_of(request.user).manages_anything

    def has_view_permission(self, request, obj=None) -> bool:
        if not scoping.scope_of(request.user).manages_anything:
            return False
        return obj is None or request.user.is_superuser or obj.user_id == request.user.pk

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("ledger"), ordering="ledger")
    def ledger_name(self, obj) -> str:
        names = {model._meta.model_name: name for model, name in ledgers.LEDGER_NAMES.items()}
        return str(names.get(obj.ledger, obj.ledger))
