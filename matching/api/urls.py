from rest_framework.routers import DefaultRouter

from matching.api.views import outcomes, pipeline, residents, summons

router = DefaultRouter()
router.register("matching-runs", pipeline.MatchingRunViewSet, basename="matching-run")
router.register("proposals", pipeline.ProposalViewSet, basename="proposal")
router.register("topics", pipeline.TopicViewSet, basename="topic")
router.register("meetings", pipeline.MeetingViewSet, basename="meeting")
router.register("agenda-items", pipeline.AgendaItemViewSet, basename="agenda-item")

router.register("project-updates", outcomes.ProjectUpdateViewSet, basename="project-update")
router.register("milestones", outcomes.MilestoneViewSet, basename="milestone")
router.register("projects", outcomes.ProjectViewSet, basename="project")
router.register("evaluations", outcomes.EvaluationViewSet, basename="evaluation")
router.register("figures", outcomes.CommitteeFiguresViewSet, basename="committee-figures")
router.register("publications", outcomes.PublicationViewSet, basename="publication")
router.register("resident-surveys", residents.SurveyViewSet, basename="resident-survey")

# 吹哨报到
router.register("summonses", summons.SummonsViewSet, basename="summons")
router.register("summons-parts", summons.SummonsPartViewSet, basename="summons-part")
router.register("summons-records", summons.SummonsRecordViewSet, basename="summons-record")
router.register("department-figures", summons.DepartmentFiguresViewSet, basename="department-figures")

# 双报到 (matching/api/views/volunteering.py)
from matching.api.views import volunteering  # noqa: E402

router.register(
    "organisation-reports", volunteering.OrganisationReportViewSet, basename="organisation-report"
)
router.register("member-reports", volunteering.MemberReportViewSet, basename="member-report")
router.register("community-tasks", volunteering.CommunityTaskViewSet, basename="community-task")
router.register("sign-ups", volunteering.SignUpViewSet, basename="sign-up")

urlpatterns = router.urls
