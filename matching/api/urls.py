from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("matching-runs", views.MatchingRunViewSet, basename="matching-run")
router.register("proposals", views.ProposalViewSet, basename="proposal")

urlpatterns = router.urls
