"""Needs past their deadline and resources past their availability leave the lists (status expired); what holds
them (live claims, the registered closers: the pipeline's open proposals) ends with them."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Claim, Need, Resource
from committees.models.lists import ListRecord

from .records import close_dependents


def expire_overdue_records(today: datetime.date | None = None) -> dict[str, int]:
    """Expire live needs whose deadline has passed and live resources no longer available. Idempotent."""
    today = today or timezone.localdate()
    counts = {}
    for model, field in ((Need, "deadline"), (Resource, "available_until")):
        overdue = model.objects.filter(status__in=model.LIVE_STATUSES, **{f"{field}__lt": today})
        counts[model._meta.model_name] = 0
        for pk in overdue.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                record = model.objects.select_for_update().get(pk=pk)
                if record.status not in model.LIVE_STATUSES:
                    continue  # changed since the list was read
                record.transition_to(ListRecord.Status.EXPIRED, reason=_("Past its date."))
                record.save(update_fields=["status", "status_reason", "updated_at"])
                if model is Need:
                    record.claims.filter(status=Claim.Status.LIVE).update(
                        status=Claim.Status.CANCELLED, cancel_reason=_("The need expired.")
                    )
                close_dependents(record, by=None, reason=record.status_reason)
                counts[model._meta.model_name] += 1
    return counts
