"""Residents judge (民事民评) and the public notice (公示): rating codes, residents' ratings of completed projects,
satisfaction surveys, and what the public pages of a community or street show (never personal data).

The public pages are anonymous: a rating is admitted by the project's code within the evaluation window, once per
phone number (kept only as a keyed hash); a survey by its link. Public pages are cached per committee and dropped
from the cache when a rating changes what they show."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Allocation, Committee, Level, Need, Project
from committees.services.intake import keyed_hash, normalise_phone
from matching import scoping
from matching.models import Evaluation, ProjectUpdate, Proposal, Publication
from matching.models.residents import RatingCode, RatingLink, ResidentRating, Survey, SurveyAnswer
from matching.outcomes import evaluation, figures

PUBLIC_CACHE_SECONDS = 60
SURVEY_QUESTIONS = (2, 8)  # a handful: at least two, at most eight
PUBLIC_LIST_SIZE = 50
PHOTOS_SHOWN = 3

# --- Rating codes and residents' ratings ---------------------------------------------------------------------------


def issue_rating_code(*, project: Project, by) -> RatingCode:
    """The secretary of the project's committee, or of a community whose need it serves, issues (once) the code
    handed out with the completed project."""
    if not scoping.may_issue_rating_code(by, project):
        raise PermissionDenied
    if project.status != Project.Status.COMPLETED:
        raise ValidationError({"project": _("Residents rate a project once it is completed.")})
    code, _created = RatingCode.objects.get_or_create(project=project, defaults={"created_by": by})
    return code


LINKS_AT_ONCE = 100


def issue_rating_links(*, project: Project, by, count: int) -> list[RatingLink]:
    """One-time links to rate a completed project, for the residents it served (each admits one rating)."""
    if not scoping.may_issue_rating_code(by, project):
        raise PermissionDenied
    if project.status != Project.Status.COMPLETED:
        raise ValidationError({"project": _("Residents rate a project once it is completed.")})
    if not 1 <= count <= LINKS_AT_ONCE:
        raise ValidationError(
            {"count": _("Issue between 1 and %(max)d links at a time.") % {"max": LINKS_AT_ONCE}}
        )
    return RatingLink.objects.bulk_create([RatingLink(project=project, created_by=by) for _n in range(count)])


def rate(
    *, project: Project, phone: str, score: int, comment: str = "", code: str = "", link: str = ""
) -> ResidentRating:
    """A resident rates a completed project, admitted by the project's code or by an unused one-time link, within
    the evaluation window, once per phone number."""
    if not link:
        expected = RatingCode.objects.filter(project=project).values_list("code", flat=True).first()
        if expected is None or (code or "").strip().upper() != expected:
            raise ValidationError({"code": _("The rating code is not right for this project.")})
    if not evaluation.is_open(project):
        raise ValidationError(_("This project can no longer be rated: its evaluation window has closed."))
    digits = normalise_phone(phone or "")
    if len(digits) < 7:
        raise ValidationError({"phone": _("Enter your phone number.")})
    rating = ResidentRating(
        project=project,
        phone_hash=keyed_hash(f"rating:{digits}"),
        score=score,
        comment=(comment or "").strip(),
    )
    rating.full_clean(exclude=["phone_hash"], validate_constraints=False)
    try:
        with transaction.atomic():
            if link:
                # Locked: two residents pressing at once cannot both use one link.
                admitted = RatingLink.objects.select_for_update().filter(project=project, token=link).first()
                if admitted is None or admitted.used_at is not None:
                    raise ValidationError(_("This rating link has been used already or is not valid."))
                admitted.used_at = timezone.now()
                admitted.save(update_fields=["used_at"])
            rating.save()
    except IntegrityError as error:
        raise ValidationError({"phone": _("This phone number has already rated this project.")}) from error
    # Dropped now and again after the commit, so that no page rendered meanwhile keeps the old rate cached.
    forget_public_pages(project)
    transaction.on_commit(lambda: forget_public_pages(project))
    return rating


def resident_rates(project_ids) -> dict[int, dict]:
    """Residents' average rating and count per project, in one query."""
    rows = (
        ResidentRating.objects.filter(project_id__in=list(project_ids))
        .values("project_id")
        .annotate(average=Avg("score"), count=Count("pk"))
        .order_by()
    )
    return {row["project_id"]: {"average": round(row["average"], 1), "count": row["count"]} for row in rows}


def show_photo(*, update, by, public: bool):
    """Show (or stop showing) a progress photo on the public notice; only photos a unit chose are ever public."""
    if not scoping.may_publish_photo(by, update):
        raise PermissionDenied
    if not update.photo:
        raise ValidationError(_("This progress report has no photo."))
    type(update).objects.filter(pk=update.pk).update(photo_is_public=public)
    forget_public_pages(update.project)
    update.photo_is_public = public
    return update


# --- Surveys -------------------------------------------------------------------------------------------------------


def create_survey(*, by, committee: Committee, title: str, questions, opens_on, closes_on) -> Survey:
    """A secretary's short survey of the residents of a community or street for a period."""
    scoping.require_manages_committee(by, committee)
    if committee.level == Level.DISTRICT:
        raise ValidationError({"committee": _("A survey is of a community's or a street's residents.")})
    questions = clean_questions(questions)
    survey = Survey(
        committee=committee,
        title=title,
        questions=questions,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=by,
    )
    survey.full_clean()
    survey.save()
    return survey


def clean_questions(questions) -> list[str]:
    """A handful of non-empty questions of under 100 characters each, or a ValidationError on "questions"."""
    questions = [str(q).strip() for q in questions if str(q).strip()]
    low, high = SURVEY_QUESTIONS
    if not low <= len(questions) <= high:
        raise ValidationError(
            {"questions": _("Ask between %(low)d and %(high)d questions.") % {"low": low, "high": high}}
        )
    if any(len(q) > 100 for q in questions):
        raise ValidationError({"questions": _("Keep each question under 100 characters.")})
    return questions


def survey_is_open(survey: Survey, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return survey.opens_on <= today <= survey.closes_on


def answer_survey(*, survey: Survey, scores) -> SurveyAnswer:
    """Store one anonymous set of answers (the day only, nothing about the person)."""
    if not survey_is_open(survey):
        raise ValidationError(_("This survey is not open."))
    try:
        scores = [int(score) for score in scores]
    except (TypeError, ValueError) as error:
        raise ValidationError(_("Answer every question with 1 to 5.")) from error
    if len(scores) != len(survey.questions) or any(not 1 <= s <= 5 for s in scores):
        raise ValidationError(_("Answer every question with 1 to 5."))
    mean = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.01"))
    return SurveyAnswer.objects.create(
        survey=survey, scores=scores, mean=mean, created_on=timezone.localdate()
    )


def survey_results(survey: Survey) -> dict:
    """Per question: the answers' count and mean; overall: the share averaging 4 or more."""
    answers = [(answer.scores, answer.mean) for answer in survey.answers.all()]  # prefetched on lists
    count = len(answers)
    per_question = []
    for index, question in enumerate(survey.questions):
        values = [scores[index] for scores, _mean in answers if index < len(scores)]
        per_question.append(
            {"question": question, "mean": round(sum(values) / len(values), 2) if values else None}
        )
    satisfied = sum(mean >= figures.SATISFIED_FROM for _scores, mean in answers)
    return {
        "answers": count,
        "satisfied": satisfied,
        "rate": round(100 * satisfied / count, 2) if count else None,
        "questions": per_question,
    }


# --- The public notice (公示) ---------------------------------------------------------------------------------------


def public_committees():
    return Committee.objects.filter(level__in=(Level.COMMUNITY, Level.STREET))


def public_notice(committee: Committee) -> dict:
    """What residents may read of a community or street: needs taken on (category and title only), projects under
    way and completed (title, dates, residents' rate), the published results. No person, phone or resident text."""
    within = committee.area_code
    needs = list(
        Need.objects.filter(committee__area_code__startswith=within, status__in=Need.LIVE_STATUSES)
        .select_related("category", "committee")
        .order_by("-published_at")
        .values("pk", "title", "category__name", "committee__name", "published_at", "source")[
            :PUBLIC_LIST_SIZE
        ]
    )
    # A community's need is often served by a project its street confirmed: the project shows on both pages.
    served_here = Allocation.objects.filter(need__committee__area_code__startswith=within).values(
        "project_id"
    )
    projects = list(
        Project.objects.filter(Q(committee__area_code__startswith=within) | Q(pk__in=served_here))
        .exclude(status=Project.Status.CANCELLED)
        .select_related("committee", "lead_unit")
        .order_by("-starts_on", "-pk")[:PUBLIC_LIST_SIZE]
    )
    rates = resident_rates(project.pk for project in projects)
    photos_of = defaultdict(list)
    for update_id, project_id in (
        ProjectUpdate.objects.filter(project__in=[p.pk for p in projects], photo_is_public=True)
        .exclude(photo="")
        .order_by("-created_at")
        .values_list("pk", "project_id")
    ):
        photos_of[project_id].append(update_id)
    units_rates = dict(
        evaluation_rates(project.pk for project in projects),
    )
    now = timezone.now()
    for project in projects:
        project.resident_rate = rates.get(project.pk)
        project.unit_rate = units_rates.get(project.pk)
        project.open_for_rating = evaluation.is_open(project, now)
        project.public_photos = photos_of.get(project.pk, [])[:PHOTOS_SHOWN]
    publications = list(
        Publication.objects.filter(committee=committee)
        .order_by("-period")
        .values("period", "snapshot", "published_at")[:4]
    )
    published = []
    for publication in publications:
        figures_row = publication["snapshot"].get("figures", {})
        published.append(
            {
                "period": publication["period"],
                "published_at": publication["published_at"],
                "figures": {name: figures_row.get(name) for name in PUBLIC_FIGURES},
                "trend": [
                    {"period": month["period"], **{name: month.get(name) for name in PUBLIC_FIGURES}}
                    for month in publication["snapshot"].get("trend", [])
                ],
            }
        )
    return {
        "committee": committee,
        "needs": needs,
        "under_way": [p for p in projects if p.status in Project.ACTIVE_STATUSES],
        "completed": [p for p in projects if p.status == Project.Status.COMPLETED],
        "published": published,
        "children": list(committee.children.order_by("area_code").values("name", "area_code"))
        if committee.level == Level.STREET
        else [],
    }


# Aggregates only: counts and rates are no one's personal data.
PUBLIC_FIGURES = (
    "needs_raised",
    "needs_resolved",
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "resident_satisfaction_rate",
)


def evaluation_rates(project_ids) -> dict[int, float]:
    """The need side's revealed rating of each project (the units' judgement, shown beside the residents')."""
    return dict(
        Evaluation.objects.filter(
            project_id__in=list(project_ids), side=Evaluation.Side.NEED, revealed_at__isnull=False
        ).values_list("project_id", "score")
    )


def public_project(project_id: int) -> Project:
    return (
        Project.objects.filter(committee__level__in=(Level.COMMUNITY, Level.STREET))
        .exclude(status=Project.Status.CANCELLED)
        .select_related("committee")
        .get(pk=project_id)
    )


def page_key(area_code: str, name: str) -> str:
    return f"public:{area_code}:{name}"


def forget_public_pages(project: Project) -> None:
    """Drop the cached public pages that show the project: its committee's and those above it, and those of the
    communities whose needs it serves (a rating changes what they show)."""
    codes = set(figures.ancestors(project.committee.area_code))
    for code in Allocation.objects.filter(project=project).values_list(
        "need__committee__area_code", flat=True
    ):
        codes.update(figures.ancestors(code))
    cache.delete_many(
        [page_key(code, "notice") for code in codes] + [page_key(code, "notice-en") for code in codes]
    )


def has_proposal(need_id: int) -> bool:
    """The intake's follow-up page asks whether a resident's need has been matched (a proposal exists)."""
    return Proposal.objects.filter(need_id=need_id).exists()


def require_public_committee(committee) -> None:
    if committee.level not in (Level.COMMUNITY, Level.STREET):
        raise PermissionDenied


def public_project_ids() -> list[int]:
    """Projects with a public rating page (completed, in a community or street)."""
    return list(
        Project.objects.filter(
            status=Project.Status.COMPLETED, committee__level__in=(Level.COMMUNITY, Level.STREET)
        ).values_list("pk", flat=True)
    )


def public_photo(update_id: int):
    """A progress photo its unit chose to publish, of a project a public page shows; None otherwise."""
    return (
        ProjectUpdate.objects.filter(
            pk=update_id, photo_is_public=True, project__committee__level__in=(Level.COMMUNITY, Level.STREET)
        )
        .exclude(photo="")
        .exclude(project__status=Project.Status.CANCELLED)
        .first()
    )
