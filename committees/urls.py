from django.urls import path, register_converter

from committees.views import lists, public
from committees.views import notifications as notification_views


class RecordKindConverter:
    regex = "needs|resources"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RecordKindConverter, "kind")

urlpatterns = [
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/", notification_views.notification_open, name="notification_open"),
    path("notifications/read-all/", notification_views.notification_read_all, name="notification_read_all"),
    path("claim-hall/", lists.browse, {"kind": "needs"}, name="claim_hall"),
    path("within-reach/", lists.browse, {"kind": "resources"}, name="resources_within_reach"),
    path("needs/<int:pk>/claim/", lists.claim, name="claim"),
    path("claims/<int:pk>/cancel/", lists.claim_cancel, name="claim_cancel"),
    path("collection/<int:pk>/", lists.collection_request, name="collection_request"),
    path("collection/<int:pk>/nothing/", lists.collection_request_nothing, name="collection_request_nothing"),
    path("<kind:kind>/", lists.record_list, name="record_list"),
    path("<kind:kind>/new/", lists.record_create, name="record_create"),
    path("<kind:kind>/<int:pk>/", lists.record_detail, name="record_detail"),
    path("<kind:kind>/<int:pk>/edit/", lists.record_edit, name="record_edit"),
    path("<kind:kind>/<int:pk>/publish/", lists.record_publish, name="record_publish"),
    path("<kind:kind>/<int:pk>/withdraw/", lists.record_withdraw, name="record_withdraw"),
    # Residents (民事民提): public, no account
    path("residents/follow/<str:token>/", public.follow_up, name="resident_follow_up"),
    path("residents/<str:area_code>/", public.intake_form, name="resident_intake"),
    path("residents/<str:area_code>/poster/", public.poster, name="resident_poster"),
]
