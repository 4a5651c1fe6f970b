"""双报到 in the admin: the community secretary confirms party members' reports (personal data masked for anyone
else, history included); organisation reports and their commitments are listed per year."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees import masking, scoping, services
from committees.models import MemberReport, OrganisationReport
from config.admin.base import ScopedAdmin
from config.admin.site import admin_site

from .export_actions import ReportingLedgerActions
from .masking import MaskedPersonalDataMixin, _listed, _masked

REPORT_FIELDS = [
    "community",
    "name",
    "phone",
    "address",
    "unit",
    "unit_name",
    "skills",
    "availability",
    "commitment",
    "status",
    "status_reason",
    "created_at",
    "confirmed_at",
]


@admin.register(MemberReport, site=admin_site)
class MemberReportAdmin(ReportingLedgerActions, MaskedPersonalDataMixin, ScopedAdmin):
    view_scope = staticmethod(scoping.member_reports_for)
    change_scope = staticmethod(scoping.member_reports_to_manage)
    list_display = ["name", "phone", "community", "workplace", "skill_labels", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["community", "unit"]
    search_fields = ["name"]
    fields = REPORT_FIELDS
    readonly_fields = REPORT_FIELDS
    actions = ["confirm_reports", "export_ledger", "export_ledger_in_full"]

    def has_add_permission(self, request, *args) -> bool:
        return False  # a member reports on the community's registration page

    @admin.display(description=_("own unit"))
    def workplace(self, obj) -> str:
        return obj.workplace

    @admin.display(description=_("skills"))
    def skill_labels(self, obj) -> str:
        return obj.skill_labels

    @admin.display(description=_("full name"), ordering="name")
    def listed_name(self, obj) -> str:
        return _listed(obj, "name")

    @admin.display(description=_("home address"))
    def listed_address(self, obj) -> str:
        return _listed(obj, "address")

    @admin.display(description=_("full name"))
    def masked_name(self, obj) -> str:
        return _masked(obj, "name")

    @admin.display(description=_("home address"))
    def masked_address(self, obj) -> str:
        return _masked(obj, "address")

    @admin.action(description=_("Confirm the selected reports"))
    def confirm_reports(self, request, queryset):
        done = 0
        for report in queryset.filter(status=MemberReport.Status.PENDING):
            try:
                services.confirm_member(by=request.user, report=report)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{masking.mask_name(report.name)}: {error}", messages.ERROR)
        self.message_user(request, _("%(count)s reports confirmed.") % {"count": done}, messages.SUCCESS)


@admin.register(OrganisationReport, site=admin_site)
class OrganisationReportAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.organisation_reports_for)
    change_scope = staticmethod(scoping.organisation_reports_to_manage)
    list_display = ["unit", "community", "year", "commitment_titles", "reported_at"]
    list_filter = ["year"]
    list_select_related = ["unit", "community"]
    fields = ["unit", "community", "year", "note", "reported_at"]
    readonly_fields = fields
    change_list_template = "admin/committees/organisation_reports_change_list.html"

    def changelist_view(self, request, extra_context=None):
        """The street's secretary sees who has and has not reported this year (scoping.unreported_units)."""
        year = timezone.localdate().year
        missing = scoping.unreported_units(request.user, year).order_by("name")
        context = {
            "report_year": year,
            "unreported": list(missing[:100]),
            "unreported_count": missing.count(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    def has_add_permission(self, request, *args) -> bool:
        return False  # the unit's liaison reports (API or the service)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("commitments__resource")

    @admin.display(description=_("commitments"))
    def commitment_titles(self, obj) -> str:
        return "、".join(c.resource.title for c in obj.commitments.all())
