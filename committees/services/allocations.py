"""Allocating quantity from a resource to a need within a project, and releasing it when the project is cancelled:
under row locks, backed by the database's checks that a record's allocated quantity stays between 0 and its
quantity. A record's allocated quantity is the sum of its allocations to projects that are not cancelled."""

from collections import Counter

from django.db import IntegrityError
from django.db.models import F
from django.utils.translation import gettext as _

from committees.models import Allocation, Need, Project, Resource
from committees.models.lists import ListRecord
from config.exceptions import InvalidTransition

S = ListRecord.Status
# The statuses that follow what is allocated; a withdrawn or expired record keeps its status whatever is released.
ALLOCATION_STATUSES = (S.PUBLISHED, S.PARTLY_ALLOCATED, S.FULFILLED, S.EXHAUSTED)


class CapacityError(InvalidTransition):
    pass


def allocate(
    *, project, need: Need, resource: Resource | None, quantity: int, provider_unit=None
) -> Allocation:
    """The caller holds row locks on `need` and `resource` (select_for_update, needs before resources)."""
    if quantity > need.remaining_quantity:
        raise CapacityError(
            _("“%(title)s” needs only %(left)d more; %(asked)d cannot be allocated.")
            % {"title": need.title, "left": need.remaining_quantity, "asked": quantity}
        )
    if resource is not None and quantity > resource.remaining_quantity:
        raise CapacityError(
            _("“%(title)s” has only %(left)d left; %(asked)d cannot be allocated.")
            % {"title": resource.title, "left": resource.remaining_quantity, "asked": quantity}
        )
    try:
        allocation = Allocation.objects.create(
            project=project,
            need=need,
            resource=resource,
            quantity=quantity,
            provider_unit=provider_unit or (resource.owner_unit if resource else None),
        )
        for record in filter(None, (need, resource)):
            type(record).objects.filter(pk=record.pk).update(
                allocated_quantity=F("allocated_quantity") + quantity
            )
            record.refresh_from_db(fields=["allocated_quantity"])
            _refresh_status(record)
    except IntegrityError as error:  # the database's own check: a lock was missing somewhere
        raise CapacityError(_("Not enough quantity left.")) from error
    return allocation


def release(*, project: Project, by, reason: str) -> None:
    """Give back what a cancelled project held: each of its needs and resources has its allocated quantity reduced
    by its allocations to the project and goes back to published or partly allocated (a withdrawn or expired one
    stays so), recorded in its history with who and why. The allocations stay, as the record of what the project
    was. The caller holds the project's row lock and sets its status to cancelled in the same transaction; the
    records are locked here, needs before resources, each in id order, as confirmation locks them."""
    rows = Allocation.objects.filter(project=project).values_list("need_id", "resource_id", "quantity")
    taken = {Need: Counter(), Resource: Counter()}
    for need_id, resource_id, quantity in rows:
        taken[Need][need_id] += quantity
        if resource_id is not None:
            taken[Resource][resource_id] += quantity
    for model in (Need, Resource):
        for record in model.objects.select_for_update().filter(pk__in=taken[model]).order_by("pk"):
            model.objects.filter(pk=record.pk).update(
                allocated_quantity=F("allocated_quantity") - taken[model][record.pk]
            )
            record.refresh_from_db(fields=["allocated_quantity"])
            if record.status in ALLOCATION_STATUSES and record.status != _target_status(record):
                record.transition_to(_target_status(record))
            record._history_user = by
            record._change_reason = reason[:100]  # the history's reason column holds 100 characters
            record.save(update_fields=["status", "status_reason", "updated_at"])


def _target_status(record) -> str:
    """The status that says how much of a record is allocated."""
    if record.allocated_quantity >= record.quantity:
        return S.FULFILLED if isinstance(record, Need) else S.EXHAUSTED
    return S.PARTLY_ALLOCATED if record.allocated_quantity > 0 else S.PUBLISHED


def _refresh_status(record) -> None:
    target = _target_status(record)
    if record.status != target:
        record.transition_to(target)
        record.save(update_fields=["status", "status_reason", "updated_at"])
