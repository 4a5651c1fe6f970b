from rest_framework.routers import DefaultRouter

from . import outcomes, views

router = DefaultRouter()
router.register("matching-runs", views.MatchingRunViewSet, basename="matching-run")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("agenda-items", views.AgendaItemViewSet, basename="agenda-item")

router.register("project-updates", outcomes.ProjectUpdateViewSet, basename="project-update")
router.register("milestones", outcomes.MilestoneViewSet, basename="milestone")
router.register("projects", outcomes.ProjectLifecycleViewSet, basename="project-lifecycle")
router.register("evaluations", outcomes.EvaluationViewSet, basename="evaluation")
router.register("figures", outcomes.CommitteeFiguresViewSet, basename="committee-figures")
router.register("publications", outcomes.PublicationViewSet, basename="publication")

urlpatterns = router.urls
