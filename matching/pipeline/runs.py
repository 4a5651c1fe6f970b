"""Matching runs: start one (never two over overlapping scopes), execute it so that a killed worker or a lost
message changes nothing but the time it takes, and split a city-wide run into one shard per district.

Crash safety: a run's work happens in one transaction that holds a PostgreSQL advisory lock per district it
covers. If the worker dies, PostgreSQL rolls the transaction back and releases the locks; the redelivered task
(acks_late) or the recovery job takes the lock and does the work again from the start. Proposals are unique per
(run, need, resource), so nothing is written twice.
"""

import logging
import time
import tracemalloc
from dataclasses import dataclass

from celery import current_app, group
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from committees.models import Committee, Level
from matching import scoping
from matching.models import MatchingRun, Proposal
from matching.pipeline import collect, optimum, propose

logger = logging.getLogger(__name__)

LOCK_SCOPE = 4201  # pg_advisory_xact_lock(LOCK_SCOPE, district code): one worker per district at a time
LOCK_REGISTRY = 4202  # held while checking for overlapping runs and creating one
# Resources of city reach are read by runs in every district, which the district locks do not order: a run that
# reads them takes this lock (after its district locks, so never in a circle) and holds it to its commit, so the
# next one sees its proposals and proposes only the quantity left.
LOCK_SHARED = 4203
STALE_AFTER_SECONDS = 120
# A scheduled run over the same scope started this recently counts as this schedule's run, finished or not: two
# beats (one started by mistake, or started late and catching up) send the nightly job seconds or minutes apart.
SCHEDULED_REPEAT_WITHIN_SECONDS = 30 * 60


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


def _lock(namespace: int, keys: list[int]) -> None:
    """Wait for the advisory locks (in a fixed order, so two runs never deadlock); SQLite serialises writers."""
    if not _on_postgres():
        return
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, key])


def _try_lock(namespace: int, keys: list[int]) -> bool:
    if not _on_postgres():
        return True
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [namespace, key])
            if not cursor.fetchone()[0]:
                return False
    return True


def district_keys(scope_code: str) -> list[int]:
    if len(scope_code) >= 6:
        return [int(scope_code[:6])]
    return [
        int(code)
        for code in Committee.objects.filter(level=Level.DISTRICT).values_list("area_code", flat=True)
    ]


def _overlapping(scope_code: str) -> Q:
    ancestors = [scope_code[:length] for length in (0, 6, 9, 12) if length <= len(scope_code)]
    return Q(scope_code__startswith=scope_code) | Q(scope_code__in=ancestors)


@dataclass(frozen=True)
class Started:
    run: MatchingRun
    created: bool  # False: an active run over an overlapping scope was found and is returned instead


def start_run(
    *, committee: Committee | None, by=None, trigger: str = MatchingRun.Trigger.SECRETARY
) -> Started:
    """Request a run over a committee's subtree (the whole city without one); it runs on a worker."""
    if by is not None:
        if committee is None and not by.is_superuser:
            raise PermissionDenied
        if committee is not None:
            scoping.require_manages_committee(by, committee)
    scope_code = committee.area_code if committee else ""
    with transaction.atomic():
        _lock(LOCK_REGISTRY, [0])
        active = MatchingRun.objects.filter(
            _overlapping(scope_code),
            status__in=[MatchingRun.Status.PENDING, MatchingRun.Status.RUNNING],
            parent__isnull=True,
        ).first()
        if active is None and trigger == MatchingRun.Trigger.SCHEDULE:
            active = MatchingRun.objects.filter(
                scope_code=scope_code,
                trigger=trigger,
                parent__isnull=True,
                created_at__gte=timezone.now() - timezone.timedelta(seconds=SCHEDULED_REPEAT_WITHIN_SECONDS),
            ).first()
        if active is not None:
            return Started(active, False)
        run = MatchingRun.objects.create(
            committee=committee, scope_code=scope_code, trigger=trigger, requested_by=by if by else None
        )
        transaction.on_commit(lambda: enqueue(run.pk))
    return Started(run, True)


# The tasks (matching.tasks) call this module; it sends them by their stable names, so neither imports the other.
RUN_MATCHING = "matching.tasks.run_matching"
FINISH_CITY_RUN = "matching.tasks.finish_city_run"
NOTIFY_NEW_TOPICS = "matching.tasks.notify_new_topics"


def _signature(task_name: str, *args, **options):
    if task_name not in current_app.tasks:
        # A process that is not a worker (the web, a test) has not imported the task modules yet; Celery's loader
        # does, once (an eager run needs the task itself, a queued one only its name).
        current_app.loader.import_default_modules()
    return current_app.signature(task_name, args=args, **options)


def _send(task_name: str, *args) -> None:
    _signature(task_name, *args).delay()


def enqueue(run_id: int) -> None:
    _send(RUN_MATCHING, run_id)


def execute(run_id: int) -> str:
    """Do a run's work once, whoever asks and however often. Returns what happened, for the logs."""
    run = MatchingRun.objects.get(pk=run_id)
    if run.status in (MatchingRun.Status.DONE, MatchingRun.Status.FAILED):
        return "finished before"
    MatchingRun.objects.filter(pk=run_id, status=MatchingRun.Status.PENDING).update(
        status=MatchingRun.Status.RUNNING, started_at=timezone.now()
    )
    MatchingRun.objects.filter(pk=run_id).update(attempts=F("attempts") + 1)
    try:
        with transaction.atomic():
            _lock(LOCK_SCOPE, district_keys(run.scope_code))
            run = MatchingRun.objects.select_for_update().get(pk=run_id)
            if run.status != MatchingRun.Status.RUNNING:
                return "finished meanwhile"
            if _is_sharded_city_run(run):
                _split_into_shards(run)
                return "split into shards"
            perform(run, exclude_shared=run.parent_id is not None)
            _finish(run)
            transaction.on_commit(lambda: _enqueue_notifications(run_id))
            if run.parent_id:
                _shard_done(run)
        return "done"
    except OperationalError:
        raise  # transient (lost connection, lock timeout): the task retries
    except Exception as error:  # noqa: BLE001 - a run records its own failure for the secretary to see
        logger.exception("matching run %s failed", run_id)
        MatchingRun.objects.filter(pk=run_id).update(
            status=MatchingRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}",
        )
        return "failed"


def perform(
    run: MatchingRun, *, exclude_shared: bool = False, shared_only: bool = False, measure: bool = False
) -> dict:
    """Collect and propose for the run's scope, writing its proposals; returns figures for the run record."""
    today = timezone.localdate()
    if measure:
        tracemalloc.start()
    started = time.perf_counter()
    needs_query = collect.needs_in_scope(run.scope_code)
    resources_query = collect.resources_for_scope(
        run.scope_code, exclude_shared=exclude_shared, shared_only=shared_only
    )
    closed = 0
    if not exclude_shared:
        _lock(LOCK_SHARED, [0])
        closed = close_lost_races(resources_query)
    need_side, resource_side = collect.load(
        run.scope_code, today=today, needs=needs_query, resources=resources_query
    )
    claims = propose.live_claims(run.scope_code) if not shared_only else propose.live_claims("").none()
    claim_proposals = propose.claims_to_proposals(run, claims, need_side)
    declined = collect.declined_pairs(needs_query)
    candidates = collect.candidates(need_side, resource_side, declined_pairs=declined)
    collected = time.perf_counter()
    context = propose.scoring_context(need_side, resource_side, today=today)
    scored = propose.score(candidates, today=today, context=context)
    candidates, scored, choice = optimum.choose(
        candidates, scored, today=today, context=context, declined_pairs=declined
    )
    rows = propose.matcher_rows(candidates, scored, choice)
    chosen = time.perf_counter()
    written = propose.write(run, claim_proposals, rows, claims)
    finished = time.perf_counter()
    run.timings = {
        **run.timings,
        "collect": round(collected - started, 3),
        "propose": round(chosen - collected, 3),
        "write": round(finished - chosen, 3),
        "solve": round(choice.stats.get("solve_seconds", 0.0), 3),
    }
    run.counts = {
        **candidates.stats,
        "claims": len(claim_proposals),
        "proposals": written,
        "objective": round(choice.objective, 4),
        "gap": choice.stats["gap"],
        "pricing_rounds": choice.stats["rounds"],
        "added_by_pricing": choice.stats["added"],
        "closed_lost_races": closed,
    }
    figures = {"candidates": candidates, "scored": scored, "choice": choice}
    if measure:
        figures["peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return figures


def close_lost_races(resources) -> int:
    """Close the open topics on shared resources that can no longer all be served (two runs proposed the same
    quantity before the shared lock existed, or confirmations took it): the furthest along and oldest keep the
    quantity left, the others expire with a reason instead of waiting for a confirmation that must fail."""
    open_statuses = Proposal.OPEN_STATUSES
    oversubscribed = (
        resources.filter(reach_prefix="")
        .annotate(spoken=Sum("proposals__quantity", filter=Q(proposals__status__in=open_statuses)))
        .filter(spoken__gt=F("quantity") - F("allocated_quantity"))
        .values_list("pk", "quantity", "allocated_quantity")
    )
    progress = {Proposal.Status.APPROVED: 0, Proposal.Status.ACCEPTED: 1, Proposal.Status.PROPOSED: 2}
    losers = []
    for resource_id, quantity, allocated in oversubscribed:
        left = quantity - allocated
        topics = Proposal.objects.filter(resource_id=resource_id, status__in=open_statuses).values_list(
            "pk", "quantity", "status", "created_at"
        )
        for pk, wanted, _status, _created in sorted(topics, key=lambda t: (progress[t[2]], t[3], t[0])):
            if wanted <= left:
                left -= wanted
            else:
                losers.append(pk)
    if losers:
        Proposal.objects.filter(pk__in=losers).update(
            status=Proposal.Status.EXPIRED,
            decided_at=timezone.now(),
            reason=gettext(
                "Closed by the matcher: the resource's quantity went to another topic proposed at the same time."
            ),
        )
    return len(losers)


def _finish(run: MatchingRun) -> None:
    run.status = MatchingRun.Status.DONE
    run.finished_at = timezone.now()
    run.error = ""
    run.save(update_fields=["status", "finished_at", "timings", "counts", "error"])


# --- City-wide runs: one shard per district, then the resources shared across districts -----------------------


def _is_sharded_city_run(run: MatchingRun) -> bool:
    return (
        run.scope_code == "" and run.parent_id is None and getattr(settings, "MATCHING_SHARD_CITY_RUNS", True)
    )


def _split_into_shards(run: MatchingRun) -> None:
    districts = Committee.objects.filter(level=Level.DISTRICT).order_by("area_code")
    existing = set(run.shards.values_list("scope_code", flat=True))
    shards = [
        MatchingRun(
            committee=d,
            scope_code=d.area_code,
            parent=run,
            trigger=run.trigger,
            requested_by=run.requested_by,
        )
        for d in districts
        if d.area_code not in existing
    ]
    MatchingRun.objects.bulk_create(shards)
    pending = list(run.shards.filter(status=MatchingRun.Status.PENDING).values_list("pk", flat=True))
    run.counts = {**run.counts, "shards": run.shards.count()}
    run.save(update_fields=["counts"])

    def send() -> None:
        group(_signature(RUN_MATCHING, pk, immutable=True) for pk in pending).apply_async()

    transaction.on_commit(send)
    if not pending:
        transaction.on_commit(lambda: _enqueue_city_finish(run.pk))


def _shard_done(shard: MatchingRun) -> None:
    """The last shard to finish starts the city run's final pass (no result backend needed, unlike a chord)."""
    MatchingRun.objects.select_for_update().get(pk=shard.parent_id)  # shards finishing together queue here
    unfinished = MatchingRun.objects.filter(parent_id=shard.parent_id).exclude(
        status__in=[MatchingRun.Status.DONE, MatchingRun.Status.FAILED]
    )
    if not unfinished.exists():
        transaction.on_commit(lambda: _enqueue_city_finish(shard.parent_id))


def _enqueue_notifications(run_id: int) -> None:
    _send(NOTIFY_NEW_TOPICS, run_id)


def _enqueue_city_finish(run_id: int) -> None:
    _send(FINISH_CITY_RUN, run_id)


def finish_city(run_id: int) -> str:
    """The city run's last stage: needs still open anywhere, against the resources that serve the whole city."""
    with transaction.atomic():
        _lock(LOCK_SCOPE, district_keys(""))
        run = MatchingRun.objects.select_for_update().get(pk=run_id)
        if run.status != MatchingRun.Status.RUNNING:
            return "finished before"
        perform(run, shared_only=True)
        transaction.on_commit(lambda: _enqueue_notifications(run_id))
        shard_counts = list(run.shards.values_list("counts", flat=True))
        run.counts["proposals"] += sum(counts.get("proposals", 0) for counts in shard_counts)
        run.counts["shard_candidates"] = sum(counts.get("candidates", 0) for counts in shard_counts)
        failed = run.shards.filter(status=MatchingRun.Status.FAILED).count()
        if failed:
            run.error = f"{failed} district shard(s) failed"
        _finish(run)
    return "done"


# --- Schedules and recovery ------------------------------------------------------------------------------------


def start_scheduled_runs() -> int:
    """The nightly job: one run per district (its schedule is editable in the admin)."""
    started = 0
    for district in Committee.objects.filter(level=Level.DISTRICT):
        started += start_run(committee=district, trigger=MatchingRun.Trigger.SCHEDULE).created
    return started


def recover_stalled_runs() -> int:
    """Re-send runs whose message was lost (a restarted broker) or whose worker died; idempotent by design."""
    cutoff = timezone.now() - timezone.timedelta(seconds=STALE_AFTER_SECONDS)
    resent = 0
    stalled = MatchingRun.objects.filter(
        status__in=[MatchingRun.Status.PENDING, MatchingRun.Status.RUNNING], created_at__lt=cutoff
    )
    for run in stalled:
        with transaction.atomic():
            if not _try_lock(LOCK_SCOPE, district_keys(run.scope_code)):
                continue  # a live worker holds it
            if run.scope_code == "" and run.parent_id is None and run.shards.exists():
                if not run.shards.exclude(
                    status__in=[MatchingRun.Status.DONE, MatchingRun.Status.FAILED]
                ).exists():
                    transaction.on_commit(lambda pk=run.pk: _enqueue_city_finish(pk))
                    resent += 1
                continue
            transaction.on_commit(lambda pk=run.pk: enqueue(pk))
            resent += 1
    return resent
