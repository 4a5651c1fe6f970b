from rest_framework.routers import DefaultRouter

from matching.api.views import outcomes, pipeline, residents

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

urlpatterns = router.urls
