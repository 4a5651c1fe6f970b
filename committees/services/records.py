"""State changes of the lists: resources and needs (create, edit, publish, withdraw) and claims (认领)."""

import datetime
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import scoping, validators
from committees.models import Claim, Membership, MemberUnit, Need, Resource
from committees.models.lists import ListRecord, reach_prefix
from committees.text import tokenize
from config.exceptions import InvalidTransition

from .rounds import mark_answered

# --- The lists: resources and needs ----------------------------------------------------------------------------

# What a person may set on a record, in the order forms show it; owner, list and status are set by the services.
RECORD_FIELDS = (
    "category",
    "title",
    "description",
    "quantity",
    "measure",
    "beneficiaries",
    "reach",
    "contact_name",
    "contact_phone",
)
RESOURCE_FIELDS = (*RECORD_FIELDS, "kind", "available_from", "available_until", "booking")
NEED_FIELDS = (*RECORD_FIELDS, "deadline", "urgency", "source")


def editable_fields(model) -> set[str]:
    return set(RESOURCE_FIELDS if model is Resource else NEED_FIELDS)


def check_owner(*, by, owner_unit, owner_committee, committee) -> None:
    """The owner and home committee must be within what `by` may act for; ids from a form are never trusted."""
    if (owner_unit is None) == (owner_committee is None):
        raise ValidationError(_("A record is owned by a member unit or by a committee, not both."))
    if owner_unit is not None:
        is_liaison = scoping.acts_for_unit(by, owner_unit)
        if not (is_liaison or scoping.manages_unit(by, owner_unit)):
            raise PermissionDenied
        if not Membership.objects.current().filter(unit=owner_unit, committee=committee).exists():
            raise ValidationError({"committee": _("The unit is not a current member of this committee.")})
        if not is_liaison:  # a secretary files a unit's record on a committee they manage
            scoping.require_manages_committee(by, committee)
    else:
        if owner_committee.pk != committee.pk:
            raise ValidationError({"committee": _("A committee's own record is on its own list.")})
        scoping.require_manages_committee(by, committee)


def _require_deadline_not_past(record) -> None:
    if isinstance(record, Need):
        try:
            validators.validate_deadline_not_past(record.deadline)
        except ValidationError as error:
            raise ValidationError({"deadline": error.error_list}) from error


def _prepare(record) -> None:
    """Derived fields, then validation: the reach area, and the words the matcher compares (cut once here rather
    than on every matching run)."""
    record.reach_prefix = reach_prefix(record.committee.area_code, record.reach)
    record.tokens = " ".join(tokenize(f"{record.title} {record.description}"))
    record.full_clean(exclude=["created_by"])


def create_record(
    model, *, by, owner_unit=None, owner_committee=None, committee, collection_request=None, **fields
):
    """Create a draft resource or need for a unit or committee that `by` acts for."""
    unknown = set(fields) - editable_fields(model)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    check_owner(by=by, owner_unit=owner_unit, owner_committee=owner_committee, committee=committee)
    if collection_request is not None and collection_request.unit_id != getattr(owner_unit, "pk", None):
        raise ValidationError(
            {"collection_request": _("A collection request is answered by the unit it was sent to.")}
        )
    record = model(
        owner_unit=owner_unit,
        owner_committee=owner_committee,
        committee=committee,
        created_by=by,
        collection_request=collection_request,
        **fields,
    )
    _require_deadline_not_past(record)
    _prepare(record)
    with transaction.atomic():
        record._history_user = by
        record.save()
        if collection_request is not None:
            mark_answered(collection_request, by=by)
    return record


def update_record(record, *, by, **fields):
    """Change a draft or published record's content; status and quantities allocated are not edited this way."""
    scoping.require_change(by, record)
    unknown = set(fields) - editable_fields(type(record))
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        record = type(record).objects.select_for_update().get(pk=record.pk)
        if record.status not in record.EDITABLE_STATUSES:
            raise InvalidTransition(_("Only drafts and published records without allocations can be edited."))
        deadline_before = getattr(record, "deadline", None)
        for name, value in fields.items():
            setattr(record, name, value)
        if getattr(record, "deadline", None) != deadline_before:
            _require_deadline_not_past(record)
        if record.quantity < record.allocated_quantity:
            raise ValidationError(
                {"quantity": _("The quantity cannot be less than what is already allocated.")}
            )
        _prepare(record)
        record._history_user = by
        record.save()
    return record


def publish_record(record, *, by):
    """Publish a draft: it appears on the lists within its reach; a need opens for claims by the home committee's
    member units first, and to the claim hall once the committee's claim window has passed."""
    scoping.require_change(by, record)
    with transaction.atomic():
        record = type(record).objects.select_for_update().get(pk=record.pk)
        _require_deadline_not_past(record)  # a need past its deadline would be offered in the claim hall
        mark_published(record, at=timezone.now())
        record._history_user = by
        record.save()
    return record


def mark_published(record, *, at) -> None:
    record.transition_to(ListRecord.Status.PUBLISHED)
    record.published_at = at
    if isinstance(record, Need):
        record.claim_hall_from = at + datetime.timedelta(days=record.committee.claim_window_days)


# What others hold on a record must close when it leaves the lists (withdrawn or expired): the pipeline's open
# proposals on it keep its quantity reserved and can no longer be confirmed. committees cannot import matching, so
# matching registers its closer here in MatchingConfig.ready() (an explicit list, not a signal: the reader finds every
# closer from here, and they run in order). A closer is called as closer(record, by, reason) inside the transaction
# that changed the record, after the record's row lock and its new status; `by` is None for the nightly expiry.
RECORD_CLOSERS: list[Callable[..., None]] = []


def register_closer(closer: Callable[..., None]) -> None:
    """Add a closer once (ready() can run more than once in a process, e.g. in tests)."""
    if closer not in RECORD_CLOSERS:
        RECORD_CLOSERS.append(closer)


def close_dependents(record, *, by, reason: str) -> None:
    """Run every registered closer on a record that has just left the lists; the caller holds its row lock."""
    for closer in RECORD_CLOSERS:
        closer(record, by, reason)


def withdraw_record(record, *, by, reason: str):
    """Withdraw a record (deleting is withdrawing): it leaves the lists, live claims on it are cancelled and the
    registered closers end what else holds it (the pipeline's open proposals), in the same transaction."""
    scoping.require_change(by, record)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the record is withdrawn.")})
    with transaction.atomic():
        record = type(record).objects.select_for_update().get(pk=record.pk)
        record.transition_to(ListRecord.Status.WITHDRAWN, reason=reason.strip())
        record._history_user = by
        record.save()
        if isinstance(record, Need):
            for claim in record.claims.select_for_update().filter(status=Claim.Status.LIVE):
                claim.status = Claim.Status.CANCELLED
                claim.cancel_reason = str(_("The need was withdrawn."))
                claim._history_user = by
                claim.save(update_fields=["status", "cancel_reason"])
        close_dependents(record, by=by, reason=record.status_reason)
    return record


# --- Claims (认领) ------------------------------------------------------------------------------------------------


def claim_need(need: Need, *, unit: MemberUnit, by, note: str = "") -> Claim:
    """A unit claims a published need it may see; the committee deliberates the claim like a proposal."""
    scoping.require_acts_for_unit(by, unit)
    if not scoping.can_claim(by, unit, need):
        raise ValidationError(_("This need is not open for your unit to claim."))
    claim = Claim(need=need, unit=unit, note=note.strip(), created_by=by)
    claim._history_user = by
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError as error:
        raise ValidationError(_("Your unit has already claimed this need.")) from error
    return claim


def cancel_claim(claim: Claim, *, by, reason: str) -> Claim:
    scoping.require_acts_for_unit(by, claim.unit_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the claim is cancelled.")})
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != Claim.Status.LIVE:
            raise InvalidTransition(_("Only a live claim can be cancelled."))
        claim.status = Claim.Status.CANCELLED
        claim.cancel_reason = reason.strip()
        claim._history_user = by
        claim.save(update_fields=["status", "cancel_reason"])
    return claim
