"""Confirm: a topic both sides accepted and the committee approved becomes a service project, its quantity
allocated under row locks (the need, then the resource, then the topic: see deliberate.lock_open_topic) and the
database's check that allocations never exceed a record's quantity. Confirming twice does nothing."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import notifications
from committees.models import Need, Project, Resource
from committees.services import allocations
from config.exceptions import InvalidTransition

from ..models import Answer, Decision, Proposal

CapacityError = allocations.CapacityError
DEFAULT_PROJECT_DAYS = 90


def lock_records(proposal_id: int) -> tuple[Need, Resource | None]:
    """Lock a topic's need, then its resource (a topic's records never change, so they are read unlocked first):
    the records come before the topic in the app's one lock order (see deliberate.lock_open_topic)."""
    need_id, resource_id = Proposal.objects.values_list("need_id", "resource_id").get(pk=proposal_id)
    need = Need.objects.select_for_update().get(pk=need_id)
    resource = Resource.objects.select_for_update().get(pk=resource_id) if resource_id else None
    return need, resource


def confirm(proposal_id: int) -> Project:
    with transaction.atomic():
        need, resource = lock_records(proposal_id)
        proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
        if proposal.status == Proposal.Status.CONFIRMED:
            return proposal.project
        ready = (
            proposal.status in Proposal.OPEN_STATUSES
            and proposal.need_side == Answer.ACCEPTED
            and proposal.provider_side == Answer.ACCEPTED
            and proposal.committee_decision == Decision.APPROVED
        )
        if not ready:
            raise InvalidTransition(
                _("Both sides must accept and the committee approve before confirmation.")
            )
        today = timezone.localdate()
        project = Project.objects.create(
            committee_id=proposal.committee_id,
            title=need.title if resource is None else f"{need.title} · {resource.title}",
            lead_unit_id=proposal.provider_unit_id or need.owner_unit_id,
            starts_on=today,
            ends_on=max(need.deadline or today + datetime.timedelta(days=DEFAULT_PROJECT_DAYS), today),
            status=Project.Status.PLANNED,
        )
        allocations.allocate(
            project=project,
            need=need,
            resource=resource,
            quantity=proposal.quantity,
            provider_unit=proposal.provider_unit,
        )
        proposal.status = Proposal.Status.CONFIRMED
        proposal.project = project
        proposal.decided_at = timezone.now()
        proposal.save(update_fields=["status", "project", "decided_at"])
        units = [u for u in (need.owner_unit_id, proposal.provider_unit_id) if u]
        notifications.resolve(proposal)  # nothing about the topic waits any more
        notifications.notify(
            notifications.liaisons_of(units),
            _("Project confirmed: %(title)s") % {"title": project.title},
            reverse("project_detail", args=[project.pk]),
            about=project,
        )
    return project
