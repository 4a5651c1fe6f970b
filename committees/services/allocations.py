"""Allocating quantity from a resource to a need within a project: under row locks, backed by the database's
check that nothing is allocated beyond a record's quantity."""

from django.db import IntegrityError
from django.db.models import F
from django.utils.translation import gettext as _

from committees.models import Allocation, Need, Resource
from committees.models.lists import ListRecord
from config.exceptions import InvalidTransition

S = ListRecord.Status


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


def _refresh_status(record) -> None:
    full = S.FULFILLED if isinstance(record, Need) else S.EXHAUSTED
    target = full if record.allocated_quantity >= record.quantity else S.PARTLY_ALLOCATED
    if record.status != target:
        record.transition_to(target)
        record.save(update_fields=["status", "status_reason", "updated_at"])
