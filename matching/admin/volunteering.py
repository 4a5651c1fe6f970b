"""双报到 in the admin: the community secretary publishes tasks (and mobilises), sees sign-ups live, checks members
in and confirms their hours. Members' names are masked for anyone who may not see them in full."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from committees import masking
from committees.admin.export_actions import ReportingLedgerActions
from committees.models import Need
from config.admin.base import ScopedAdmin
from config.admin.site import admin_site
from matching import scoping, volunteering
from matching.models import CommunityTask, SignUp


@admin.register(CommunityTask, site=admin_site)
class CommunityTaskAdmin(ScopedAdmin):
    view_scope = staticmethod(scoping.tasks_for)
    change_scope = staticmethod(scoping.tasks_to_manage)
    list_display = ["title", "community", "starts_at", "place", "sign_up_count", "urgent", "status"]
    list_filter = ["status", "urgent"]
    list_select_related = ["community"]
    date_hierarchy = "starts_at"
    fields = [*volunteering.TASK_FIELDS[:-1], "community", "live_count", "status"]
    actions = ["mobilise_community", "mobilise_street"]

    class Media:
        js = ["js/signups_live.js"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["community", *volunteering.TASK_FIELDS]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "community":
            kwargs["queryset"] = scoping.committees_to_manage(request.user).filter(level="community")
        if db_field.name == "need":  # a community's need that asks for people, published as a task
            kwargs["queryset"] = scoping.needs_to_manage(request.user).filter(
                status__in=Need.LIVE_STATUSES, committee__level="community"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def check_write(self, request, obj, data):
        if obj is None and data.get("community") is not None:
            scoping.require_manages_committee(request.user, data["community"])

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        task = volunteering.publish_task(
            by=request.user,
            community=data["community"],
            **{f: data[f] for f in volunteering.TASK_FIELDS if f in data},
        )
        obj.pk = task.pk

    @admin.display(description=_("signed up"))
    def sign_up_count(self, obj) -> str:
        return f"{obj.signed_up_count}/{obj.people_wanted}"

    @admin.display(description=_("signed up (live)"))
    def live_count(self, obj) -> str:
        return format_html(
            '<span class="signups-live" data-url="{}">{}/{}</span>',
            reverse("members_task_live", args=[obj.pk]),
            obj.signed_up_count,
            obj.people_wanted,
        )

    def _mobilise(self, request, queryset, street_wide: bool):
        total = 0
        for task in queryset.filter(status=CommunityTask.Status.PUBLISHED):
            try:
                total += volunteering.mobilise(by=request.user, task=task, street_wide=street_wide)
            except PermissionDenied:
                self.message_user(
                    request, _("You may not mobilise for %(task)s.") % {"task": task}, messages.ERROR
                )
        self.message_user(request, _("%(count)s members were notified.") % {"count": total}, messages.SUCCESS)

    @admin.action(description=_("Mobilise the community's members with the skill"))
    def mobilise_community(self, request, queryset):
        self._mobilise(request, queryset, street_wide=False)

    @admin.action(description=_("Mobilise the whole street's members with the skill"))
    def mobilise_street(self, request, queryset):
        self._mobilise(request, queryset, street_wide=True)


@admin.register(SignUp, site=admin_site)
class SignUpAdmin(ReportingLedgerActions, ScopedAdmin):
    view_scope = staticmethod(scoping.sign_ups_for)
    change_scope = staticmethod(scoping.sign_ups_to_manage)
    list_display = ["member_name", "task", "task_start", "status", "hours"]
    list_filter = ["status"]
    list_select_related = ["member", "task"]
    fields = ["task", "member_name", "status", "checked_in_at", "hours", "confirmed_at"]
    actions = ["check_in_members", "confirm_task_hours", "export_ledger", "export_ledger_in_full"]

    def has_add_permission(self, request, *args) -> bool:
        return False  # members sign up on their phone

    def get_readonly_fields(self, request, obj=None):
        readonly = ["task", "member_name", "status", "checked_in_at", "confirmed_at"]
        if obj is None or obj.status != SignUp.Status.CHECKED_IN:
            readonly.append("hours")
        return readonly

    def get_queryset(self, request):
        in_full = masking.member_contacts_visible(request.user).filter(pk=OuterRef("member_id"))
        return super().get_queryset(request).annotate(member_in_full=Exists(in_full))

    @admin.display(description=_("party member"))
    def member_name(self, obj) -> str:
        return (
            obj.member.name if getattr(obj, "member_in_full", False) else masking.mask_name(obj.member.name)
        )

    @admin.display(description=_("starts at"), ordering="task__starts_at")
    def task_start(self, obj):
        return obj.task.starts_at

    def check_write(self, request, obj, data):
        if obj is not None and not scoping.manages_sign_up(request.user, obj):
            raise PermissionDenied

    def save_model(self, request, obj, form, change):
        if obj.status == SignUp.Status.CHECKED_IN and "hours" in form.changed_data:
            volunteering.confirm_hours(by=request.user, sign_up=obj, hours=form.cleaned_data["hours"])

    def _each(self, request, queryset, service, done_message):
        done = 0
        for entry in queryset.select_related("task"):
            try:
                service(by=request.user, sign_up=entry)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(error.messages) if isinstance(error, ValidationError) else _("Not allowed.")
                self.message_user(request, f"{entry.task}: {text}", messages.WARNING)
        self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Check in the selected members"))
    def check_in_members(self, request, queryset):
        self._each(request, queryset, volunteering.check_in, _("%(count)s members checked in."))

    @admin.action(description=_("Confirm the hours (the task's length) of the selected members"))
    def confirm_task_hours(self, request, queryset):
        self._each(request, queryset, volunteering.confirm_hours, _("%(count)s members' hours confirmed."))
