from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("matching-runs", views.MatchingRunViewSet, basename="matching-run")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("agenda-items", views.AgendaItemViewSet, basename="agenda-item")

urlpatterns = router.urls
