"""The residents' part of the demo (民事民提 · 民事民评 · 满意度调查), loaded by load_demo_outcomes with one line:
three submissions to 民安社区 (one waiting in the secretary's inbox, one accepted onto the needs list, one declined),
the completed project's rating code and three residents' ratings, and an open survey of 北新桥街道 with answers.
Through the services where they allow it; running it twice changes nothing."""

import datetime
from decimal import Decimal

from django.utils import timezone

from committees.models import Category, Committee, Project, Submission, User
from committees.services import intake
from committees.services.intake import keyed_hash
from matching.models.residents import ResidentRating, Survey, SurveyAnswer
from matching.outcomes import residents

COMMUNITY = "110101005001"  # 民安社区
SUBMISSIONS = [
    # (name, phone, place, text, what the secretary does)
    (
        "王大妈",
        "13601010001",
        "民安小区5号楼",
        "5号楼楼道灯坏了一个多月，晚上老人上下楼看不见，希望尽快修好。",
        "accept",
    ),
    ("", "13601010002", "民安小区北门", "北门口的共享单车堆放太乱，早上送孩子上学过不去。", "decline"),
    ("李师傅", "13601010003", "民安小区2号楼", "楼里有几位独居老人，希望有人定期上门看看，帮忙买菜。", None),
]
SURVEY_QUESTIONS = [
    "您对社区环境和卫生是否满意？",
    "您对社区为民服务项目是否满意？",
    "您对反映问题后的办理速度是否满意？",
]
SURVEY_ANSWERS = [[5, 5, 4], [4, 4, 4], [5, 4, 3], [3, 3, 2], [5, 5, 5]]
RATINGS = [(5, "医生很耐心"), (4, ""), (5, "希望以后常来")]


def load(street: Committee, secretary: User, completed: Project) -> None:
    community = Committee.objects.get(area_code=COMMUNITY)
    community_secretary = User.objects.get(username="minan_secretary")
    _submissions(community, community_secretary)
    _ratings(Project.objects.get(pk=completed.pk), secretary)
    _survey(street, secretary)


def _submissions(community: Committee, by: User) -> None:
    if Submission.objects.filter(committee=community).exists():
        return
    for name, phone, place, text, action in SUBMISSIONS:
        submission = intake.submit(committee=community, text=text, phone=phone, place=place, name=name)
        if action == "accept":
            intake.accept(
                submission, by=by, category=Category.objects.get(code="safety"), title="修复5号楼楼道灯"
            )
        elif action == "decline":
            intake.decline(submission, by=by, reason="属于街道统一治理的共享单车停放问题，已转街道城管科。")


def _ratings(project: Project, by: User) -> None:
    """The demo's completed project was rated by the residents it served within its window (dated as it was)."""
    residents.issue_rating_code(project=project, by=by)
    if ResidentRating.objects.filter(project=project).exists():
        return
    rated = project.completed_at + datetime.timedelta(days=2)
    for n, (score, comment) in enumerate(RATINGS):
        rating = ResidentRating.objects.create(
            project=project, phone_hash=keyed_hash(f"rating:1360202000{n}"), score=score, comment=comment
        )
        ResidentRating.objects.filter(pk=rating.pk).update(created_at=rated)


def _survey(street: Committee, by: User) -> None:
    today = timezone.localdate()
    survey = Survey.objects.filter(committee=street, title="北新桥街道居民满意度调查").first()
    if survey is None:
        survey = residents.create_survey(
            by=by,
            committee=street,
            title="北新桥街道居民满意度调查",
            questions=SURVEY_QUESTIONS,
            opens_on=today.replace(day=1),
            closes_on=today + datetime.timedelta(days=30),
        )
    if survey.answers.exists():
        return
    for scores in SURVEY_ANSWERS:
        mean = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.01"))
        SurveyAnswer.objects.create(survey=survey, scores=scores, mean=mean, created_on=today)
