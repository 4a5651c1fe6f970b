"""The figures committees are judged by, computed for every committee subtree and period in one pass.

Definitions (the cohort is the needs published in the period within the subtree):
- response rate (响应率): cohort needs reached by a proposal or a claim within the home committee's response
  time (RulesOfProcedure.response_days, 7 by default), of the cohort;
- resolution rate (解决率): cohort needs served by a completed project by the period's end, of the cohort;
- satisfaction rate (满意率): need-side ratings of 4 or 5, of the need-side ratings given in the period on the
  subtree's projects (revealed ones only, so that no aggregate gives a hidden rating away);
- median days from publication to confirmation, and to completion, over the cohort needs that got there (a
  cancelled project counts as neither);
- participation: current member units of the subtree's committees that published a resource or answered a
  collection round in the period, of those units;
- meeting compliance: committees of the subtree that held two plenary meetings in the period's year, up to the
  period's end.
- 双报到 (in-service party members and units' party organisations reporting to the community):
  organisations reported: organisation reports to the subtree's communities made in the period;
  members reported: party members' reports to the subtree's communities confirmed by the period's end and still
  in force (not withdrawn);
  members active: those members with at least one sign-up whose hours were confirmed, for a task that started in
  the period (counted where the member reported, so each member counts once per subtree);
  hours served: the confirmed hours of sign-ups for the subtree's tasks that started in the period (unconfirmed
  sign-ups and check-ins count nothing);
  tasks due / filled on time: the subtree's tasks (not cancelled) that started in the period / those of them
  that had all the people they asked for before they started.
- residents' satisfaction rate (居民满意率), kept apart from the units' ratings: residents' ratings of 4 or 5 given
  in the period on the subtree's projects, plus survey answers (of the subtree's committees' surveys, answered in
  the period) whose mean answer is 4 or more, of all those ratings and answers.

Each event counts for the committee it belongs to and every committee above it: a division code's prefixes
(6, 9 and 12 digits) are its district, street and community. Ranking by logins, clicks or time online is
forbidden (2024 rules against formalism): nothing here counts them.

Departments' figures (考核评价 of 吹哨报到), per department and period (the cohort is the department's parts in the
summons raised in the period):
- summons received: the cohort;
- reported on time (按时报到率): cohort parts reported (报到) by the summons' report deadline, of the cohort;
- handled (办结率): cohort parts the department marked done by the period's end, of the cohort;
- satisfaction (满意率): ratings given in the period whose mean of timeliness, attitude and result is 4 or more,
  of the ratings given in the period;
- median hours from the summons to the report, and to the part marked done, over the cohort parts that got there
  by the period's end.
They are computed in the same pass, for the departments of the districts under `within` (the whole district's
summons: a department is judged on all of them, so a pass over one street leaves departments as they were).
A summons passed up to the committee above is left out: the matter is judged on the summons that holds it.
"""

import bisect
import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from committees.models import (
    Allocation,
    Claim,
    CollectionRequest,
    Committee,
    Department,
    MemberReport,
    Membership,
    Need,
    OrganisationReport,
    Project,
    Resource,
)
from matching import bulk
from matching.models import (
    CommitteeFigures,
    CommunityTask,
    DepartmentFigures,
    Evaluation,
    Meeting,
    Proposal,
    Publication,
    RulesOfProcedure,
    SignUp,
    Summons,
    SummonsPart,
)
from matching.models.residents import ResidentRating, SurveyAnswer
from matching.outcomes import periods as periods_module
from matching.outcomes.periods import Period

DEFAULT_RESPONSE_DAYS = 7
SATISFIED_FROM = 4
PLENARIES_A_YEAR = 2
CODE_LENGTHS = (6, 9, 12)
SECONDS_A_DAY = 86400
SECONDS_AN_HOUR = 3600
PASSED_UP = Summons.Status.PASSED_UP
DEPARTMENT_FIGURE_COUNTS = [
    "summons_received",
    "reported_on_time",
    "resolved",
    "ratings",
    "ratings_satisfied",
    "median_hours_to_report",
    "median_hours_to_resolve",
]
FIGURE_COUNTS = [
    "needs_raised",
    "needs_responded",
    "needs_resolved",
    "ratings",
    "ratings_satisfied",
    "median_days_to_confirm",
    "median_days_to_complete",
    "units",
    "units_participating",
    "committees",
    "committees_compliant",
    "resident_ratings",
    "resident_ratings_satisfied",
    "survey_answers",
    "survey_answers_satisfied",
]
# 双报到 (see the definitions above; computed by _tally_volunteering)
FIGURE_COUNTS += [
    "organisations_reported",
    "members_reported",
    "members_active",
    "service_hours",
    "tasks_due",
    "tasks_filled_on_time",
]


def ancestors(code: str) -> list[str]:
    """The codes of a committee and of those above it."""
    return [code[:length] for length in CODE_LENGTHS if length <= len(code)]


@dataclass
class Tally:
    needs_raised: int = 0
    needs_responded: int = 0
    needs_resolved: int = 0
    ratings: int = 0
    ratings_satisfied: int = 0
    days_to_confirm: list = field(default_factory=list)
    days_to_complete: list = field(default_factory=list)
    resident_ratings: int = 0
    resident_ratings_satisfied: int = 0
    survey_answers: int = 0
    survey_answers_satisfied: int = 0


def compute(periods: list[Period], within: str = "") -> int:
    """Recompute and store the figures of every committee under `within` (a division code prefix, "" for the
    city) for the given periods; published (frozen) periods are left as they were. Returns rows written."""
    if not periods:
        return 0
    now = timezone.now()
    start = min(period.start_at() for period in periods)
    end = max(period.end_at() for period in periods)
    wanted = {period.key: period for period in periods}
    committees = dict(Committee.objects.filter(area_code__startswith=within).values_list("area_code", "pk"))
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)

    _tally_needs(tallies, wanted, within, start, end, now)
    _tally_ratings(tallies, wanted, within, start, end)
    _tally_residents(tallies, wanted, within, start, end)
    participation = _participation(wanted, within, start, end, committees)
    compliance = _compliance(wanted, within, committees)
    volunteering = _tally_volunteering(wanted, within)

    frozen = set(
        Publication.objects.filter(committee__area_code__startswith=within, period__in=wanted).values_list(
            "committee_id", "period"
        )
    )
    rows = []
    for code, committee_id in committees.items():
        for key in wanted:
            if (committee_id, key) in frozen:
                continue
            tally = tallies.get((code, key), Tally())
            units, participating = participation.get((code, key), (0, 0))
            total, compliant = compliance.get((code, key), (0, 0))
            rows.append(
                CommitteeFigures(
                    committee_id=committee_id,
                    period=key,
                    needs_raised=tally.needs_raised,
                    needs_responded=tally.needs_responded,
                    needs_resolved=tally.needs_resolved,
                    ratings=tally.ratings,
                    ratings_satisfied=tally.ratings_satisfied,
                    median_days_to_confirm=_median(tally.days_to_confirm),
                    median_days_to_complete=_median(tally.days_to_complete),
                    units=units,
                    units_participating=participating,
                    committees=total,
                    committees_compliant=compliant,
                    **volunteering.get((code, key), {}),
                    resident_ratings=tally.resident_ratings,
                    resident_ratings_satisfied=tally.resident_ratings_satisfied,
                    survey_answers=tally.survey_answers,
                    survey_answers_satisfied=tally.survey_answers_satisfied,
                )
            )
    bulk.upsert(
        CommitteeFigures,
        rows,
        unique_fields=["committee", "period"],
        update_fields=[*FIGURE_COUNTS, "computed_at"],
    )
    return len(rows) + compute_departments(periods, within=within, now=now)


def compute_current() -> int:
    return compute(periods_module.current())


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def _first_by_need(queryset, moment_field: str) -> dict[int, object]:
    return dict(
        queryset.values("need_id")
        .annotate(first=Min(moment_field))
        .values_list("need_id", "first")
        .order_by()
    )


def _tally_needs(tallies, wanted, within, start, end, now) -> None:
    cohort = Need.objects.filter(
        published_at__gte=start, published_at__lt=end, committee__area_code__startswith=within
    )
    of_cohort = {"need__in": cohort.values("pk")}
    first_proposal = _first_by_need(Proposal.objects.filter(**of_cohort), "created_at")
    first_claim = _first_by_need(Claim.objects.filter(**of_cohort), "created_at")
    # A cancelled project confirmed nothing that stands and completed nothing: its need went back to the lists.
    confirmed = _first_by_need(
        Allocation.objects.filter(**of_cohort).exclude(project__status=Project.Status.CANCELLED),
        "project__created_at",
    )
    completed = _first_by_need(
        Allocation.objects.filter(**of_cohort, project__status=Project.Status.COMPLETED),
        "project__completed_at",
    )
    response_days = dict(RulesOfProcedure.objects.values_list("committee_id", "response_days"))
    period_ends = {key: min(period.end_at(), now) for key, period in wanted.items()}
    for need_id, code, committee_id, published_at in cohort.values_list(
        "pk", "committee__area_code", "committee_id", "published_at"
    ).iterator(chunk_size=5000):
        keys = [key for key in periods_module.keys_containing(published_at) if key in wanted]
        if not keys:
            continue
        answers = [moment for moment in (first_proposal.get(need_id), first_claim.get(need_id)) if moment]
        answered = min(answers) if answers else None
        days_allowed = response_days.get(committee_id, DEFAULT_RESPONSE_DAYS)
        confirmed_at, completed_at = confirmed.get(need_id), completed.get(need_id)
        for key in keys:
            cutoff = period_ends[key]
            responded = (
                answered is not None
                and answered <= cutoff
                and (answered - published_at).total_seconds() <= days_allowed * SECONDS_A_DAY
            )
            resolved = completed_at is not None and completed_at <= cutoff
            to_confirm = (
                (confirmed_at - published_at).total_seconds() / SECONDS_A_DAY
                if confirmed_at and confirmed_at <= cutoff
                else None
            )
            to_complete = (completed_at - published_at).total_seconds() / SECONDS_A_DAY if resolved else None
            for prefix in ancestors(code):
                tally = tallies[(prefix, key)]
                tally.needs_raised += 1
                tally.needs_responded += responded
                tally.needs_resolved += resolved
                if to_confirm is not None:
                    tally.days_to_confirm.append(to_confirm)
                if to_complete is not None:
                    tally.days_to_complete.append(to_complete)


def _tally_ratings(tallies, wanted, within, start, end) -> None:
    ratings = Evaluation.objects.filter(
        side=Evaluation.Side.NEED,
        revealed_at__isnull=False,
        created_at__gte=start,
        created_at__lt=end,
        project__committee__area_code__startswith=within,
    ).values_list("project__committee__area_code", "created_at", "score")
    for code, created_at, score in ratings.iterator(chunk_size=5000):
        for key in periods_module.keys_containing(created_at):
            if key not in wanted:
                continue
            for prefix in ancestors(code):
                tally = tallies[(prefix, key)]
                tally.ratings += 1
                tally.ratings_satisfied += score >= SATISFIED_FROM


def _tally_residents(tallies, wanted, within, start, end) -> None:
    """Residents' ratings and survey answers, counted where the project's or survey's committee sits."""
    ratings = ResidentRating.objects.filter(
        created_at__gte=start, created_at__lt=end, project__committee__area_code__startswith=within
    ).values_list("project__committee__area_code", "created_at", "score")
    # A survey answer keeps its day only (anonymity): the day counts from local midnight.
    answers = SurveyAnswer.objects.filter(
        created_on__gte=timezone.localtime(start).date(),
        created_on__lt=timezone.localtime(end).date(),
        survey__committee__area_code__startswith=within,
    ).values_list("survey__committee__area_code", "created_on", "mean")
    rows = [(code, moment, score >= SATISFIED_FROM, "resident_ratings") for code, moment, score in ratings]
    rows += [(code, _start_of(day), mean >= SATISFIED_FROM, "survey_answers") for code, day, mean in answers]
    for code, moment, satisfied, name in rows:
        for key in periods_module.keys_containing(moment):
            if key not in wanted:
                continue
            for prefix in ancestors(code):
                tally = tallies[(prefix, key)]
                setattr(tally, name, getattr(tally, name) + 1)
                setattr(tally, f"{name}_satisfied", getattr(tally, f"{name}_satisfied") + satisfied)


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _participation(wanted, within, start, end, committees) -> dict[tuple[str, str], tuple[int, int]]:
    units_under: dict[str, set[int]] = defaultdict(set)
    for unit_id, code in (
        Membership.objects.current()
        .filter(committee__area_code__startswith=within)
        .values_list("unit_id", "committee__area_code")
        .iterator(chunk_size=5000)
    ):
        for prefix in ancestors(code):
            units_under[prefix].add(unit_id)
    active: dict[str, set[int]] = defaultdict(set)
    offered = Resource.objects.filter(
        owner_unit__isnull=False, published_at__gte=start, published_at__lt=end
    ).values_list("owner_unit_id", "published_at")
    answered = CollectionRequest.objects.filter(answered_at__gte=start, answered_at__lt=end).values_list(
        "unit_id", "answered_at"
    )
    for rows in (offered, answered):
        for unit_id, moment in rows.iterator(chunk_size=5000):
            for key in periods_module.keys_containing(moment):
                active[key].add(unit_id)
    result = {}
    for code in committees:
        units = units_under.get(code, set())
        for key in wanted:
            result[(code, key)] = (len(units), len(units & active[key]))
    return result


def _compliance(wanted, within, committees) -> dict[tuple[str, str], tuple[int, int]]:
    years = {period.year for period in wanted.values()}
    held = Meeting.objects.filter(
        kind=Meeting.Kind.PLENARY,
        is_held=True,
        held_on__year__in=years,
        committee__area_code__startswith=within,
    ).values_list("committee__area_code", "held_on")
    dates_by_code = defaultdict(list)
    for code, held_on in held:
        dates_by_code[code].append(held_on)
    result = {}
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for code in committees:
        for key, period in wanted.items():
            plenaries = sum(
                1 for day in dates_by_code.get(code, ()) if day.year == period.year and day < period.end
            )
            for prefix in ancestors(code):
                pair = counts[(prefix, key)]
                pair[0] += 1
                pair[1] += plenaries >= PLENARIES_A_YEAR
    for code in committees:
        for key in wanted:
            result[(code, key)] = tuple(counts.get((code, key), (0, 0)))
    return result


# --- Departments (吹哨报到) --------------------------------------------------------------------------------------


@dataclass
class DepartmentTally:
    summons_received: int = 0
    reported_on_time: int = 0
    resolved: int = 0
    ratings: int = 0
    ratings_satisfied: int = 0
    hours_to_report: list = field(default_factory=list)
    hours_to_resolve: list = field(default_factory=list)


def _keys_finder(start, end):
    """periods.keys_containing for moments in [start, end), by bisecting the months' starts: the same keys
    without converting every moment to local time (a third of the departments' pass at 90,000 parts)."""
    months, day = [], timezone.localtime(start).date().replace(day=1)
    while periods_module.parse(f"{day:%Y-%m}").start_at() < end:
        month = periods_module.parse(f"{day:%Y-%m}")
        months.append((month.start_at(), (str(month.year), month.key)))
        day = month.end
    starts = [moment for moment, _keys in months]

    def keys_of(moment) -> tuple[str, ...]:
        index = bisect.bisect_right(starts, moment) - 1
        return months[index][1] if index >= 0 and moment < end else ()

    return keys_of


def compute_departments(periods: list[Period], within: str = "", now=None) -> int:
    """Recompute the departments' figures of the districts under `within` (the city, or one district) for the
    periods; a narrower `within` (a street) computes none. Returns rows written."""
    if not periods or len(within) > CODE_LENGTHS[0]:
        return 0
    now = now or timezone.now()
    start = min(period.start_at() for period in periods)
    end = max(period.end_at() for period in periods)
    wanted = {period.key: period for period in periods}
    period_ends = {key: min(period.end_at(), now) for key, period in wanted.items()}
    tallies: dict[tuple[int, str], DepartmentTally] = defaultdict(DepartmentTally)
    in_scope = {"department__district__area_code__startswith": within}

    cohort = (
        SummonsPart.objects.filter(**in_scope, summons__raised_at__gte=start, summons__raised_at__lt=end)
        .exclude(summons__status=PASSED_UP)
        .values_list(
            "department_id",
            "summons__raised_at",
            "summons__report_due_at",
            "reported_at",
            "status",
            "finished_at",
        )
    )
    keys_of = _keys_finder(start, end)
    for department_id, raised_at, due_at, reported_at, status, finished_at in cohort.iterator(
        chunk_size=5000
    ):
        for key in keys_of(raised_at):
            if key not in wanted:
                continue
            cutoff = period_ends[key]
            tally = tallies[(department_id, key)]
            tally.summons_received += 1
            if reported_at is not None and reported_at <= cutoff:
                tally.reported_on_time += reported_at <= due_at
                tally.hours_to_report.append((reported_at - raised_at).total_seconds() / SECONDS_AN_HOUR)
            if status == SummonsPart.Status.DONE and finished_at is not None and finished_at <= cutoff:
                tally.resolved += 1
                tally.hours_to_resolve.append((finished_at - raised_at).total_seconds() / SECONDS_AN_HOUR)

    rated = SummonsPart.objects.filter(
        **in_scope, rated_at__gte=start, rated_at__lt=end, timeliness__isnull=False
    ).values_list("department_id", "rated_at", "timeliness", "attitude", "result")
    for department_id, rated_at, timeliness, attitude, result in rated.iterator(chunk_size=5000):
        satisfied = (timeliness + attitude + result) >= 3 * SATISFIED_FROM
        for key in keys_of(rated_at):
            if key in wanted:
                tally = tallies[(department_id, key)]
                tally.ratings += 1
                tally.ratings_satisfied += satisfied

    departments = Department.objects.filter(district__area_code__startswith=within).values_list(
        "pk", flat=True
    )
    rows = []
    for department_id in departments.iterator(chunk_size=5000):
        for key in wanted:
            tally = tallies.get((department_id, key), DepartmentTally())
            rows.append(
                DepartmentFigures(
                    department_id=department_id,
                    period=key,
                    summons_received=tally.summons_received,
                    reported_on_time=tally.reported_on_time,
                    resolved=tally.resolved,
                    ratings=tally.ratings,
                    ratings_satisfied=tally.ratings_satisfied,
                    median_hours_to_report=_median(tally.hours_to_report),
                    median_hours_to_resolve=_median(tally.hours_to_resolve),
                )
            )
    bulk.upsert(
        DepartmentFigures,
        rows,
        unique_fields=["department", "period"],
        update_fields=[*DEPARTMENT_FIGURE_COUNTS, "computed_at"],
    )
    return len(rows)


# --- 双报到: reported organisations and members, their service -----------------------------------------------------


def _tally_volunteering(wanted, within) -> dict[tuple[str, str], dict]:
    """The 双报到 counts per (committee code, period), rolled up to every committee above. Grouped by community and
    month in a handful of queries whatever the number of periods (months add up to their year; only members who
    served, a distinct count, take one more query per year), so 5,000,000 service records are read a few times."""
    counts: dict[tuple[str, str], dict] = defaultdict(lambda: dict.fromkeys(FIGURE_COUNTS[-6:], 0))
    start = min(period.start_at() for period in wanted.values())
    end = max(period.end_at() for period in wanted.values())

    def keys_of(month) -> list[str]:
        """The wanted periods a month (a datetime from TruncMonth) counts in: itself and its year."""
        month_key = f"{timezone.localtime(month):%Y-%m}" if timezone.is_aware(month) else f"{month:%Y-%m}"
        return [key for key in (month_key, month_key[:4]) if key in wanted]

    def add(key, code, name, value):
        for prefix in ancestors(code):
            counts[(prefix, key)][name] += value or 0

    def by_month(queryset, code_field, moment_field, **aggregates):
        return (
            queryset.annotate(month=TruncMonth(moment_field))
            .values_list(code_field, "month")
            .annotate(**aggregates)
            .order_by()
        )

    reports = OrganisationReport.objects.filter(
        community__area_code__startswith=within, reported_at__gte=start, reported_at__lt=end
    )
    for code, month, n in by_month(reports, "community__area_code", "reported_at", n=Count("pk")):
        for key in keys_of(month):
            add(key, code, "organisations_reported", n)

    # members reported: confirmed by the period's end and still in force (a stock, summed over earlier months)
    confirmed = MemberReport.objects.filter(
        community__area_code__startswith=within, status="confirmed", confirmed_at__lt=end
    )
    for code, month, n in by_month(confirmed, "community__area_code", "confirmed_at", n=Count("pk")):
        for key, period in wanted.items():
            if month < period.end_at():
                add(key, code, "members_reported", n)

    served = SignUp.objects.filter(status="confirmed", task__starts_at__gte=start, task__starts_at__lt=end)
    for code, month, hours in by_month(
        served.filter(task__community__area_code__startswith=within),
        "task__community__area_code",
        "task__starts_at",
        h=Sum("hours"),
    ):
        for key in keys_of(month):
            add(key, code, "service_hours", hours)
    members = served.filter(member__community__area_code__startswith=within)
    for code, month, n in by_month(
        members, "member__community__area_code", "task__starts_at", n=Count("member_id", distinct=True)
    ):
        for key in keys_of(month):
            if len(key) > 4:  # a month; a year counts its members once, below
                add(key, code, "members_active", n)
    for key, period in wanted.items():
        if period.is_year:
            for code, n in (
                members.filter(task__starts_at__gte=period.start_at(), task__starts_at__lt=period.end_at())
                .values_list("member__community__area_code")
                .annotate(n=Count("member_id", distinct=True))
                .order_by()
            ):
                add(key, code, "members_active", n)

    tasks = CommunityTask.objects.filter(
        community__area_code__startswith=within, starts_at__gte=start, starts_at__lt=end
    ).exclude(status="cancelled")
    for code, month, n, filled in by_month(
        tasks,
        "community__area_code",
        "starts_at",
        n=Count("pk"),
        filled=Count("pk", filter=Q(filled_at__lte=F("starts_at"))),
    ):
        for key in keys_of(month):
            add(key, code, "tasks_due", n)
            add(key, code, "tasks_filled_on_time", filled)
    for row in counts.values():
        row["service_hours"] = round(float(row["service_hours"]), 1)
    return counts
