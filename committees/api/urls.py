from django.urls import path
from rest_framework.routers import DefaultRouter

from . import auth_views, departments, intake, views

router = DefaultRouter()
router.register("committees", views.CommitteeViewSet, basename="committee")
router.register("member-units", views.MemberUnitViewSet, basename="member-unit")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("seats", views.SeatViewSet, basename="seat")
router.register("collection-rounds", views.CollectionRoundViewSet, basename="collection-round")
router.register("collection-requests", views.CollectionRequestViewSet, basename="collection-request")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("needs", views.NeedViewSet, basename="need")
router.register("resources", views.ResourceViewSet, basename="resource")
router.register("departments", departments.DepartmentViewSet, basename="department")  # 吹哨报到
router.register("resident-submissions", intake.SubmissionViewSet, basename="resident-submission")

urlpatterns = [
    path("auth/token/", auth_views.ObtainTokenView.as_view(), name="api-token"),
    path("auth/token/revoke/", auth_views.RevokeTokenView.as_view(), name="api-token-revoke"),
    *router.urls,
]
