from django.urls import path, register_converter

from . import views


class RecordKindConverter:
    regex = "needs|resources"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RecordKindConverter, "kind")

urlpatterns = [
    path("claim-hall/", views.browse, {"kind": "needs"}, name="claim_hall"),
    path("within-reach/", views.browse, {"kind": "resources"}, name="resources_within_reach"),
    path("needs/<int:pk>/claim/", views.claim, name="claim"),
    path("claims/<int:pk>/cancel/", views.claim_cancel, name="claim_cancel"),
    path("collection/<int:pk>/", views.collection_request, name="collection_request"),
    path("collection/<int:pk>/nothing/", views.collection_request_nothing, name="collection_request_nothing"),
    path("<kind:kind>/", views.record_list, name="record_list"),
    path("<kind:kind>/new/", views.record_create, name="record_create"),
    path("<kind:kind>/<int:pk>/", views.record_detail, name="record_detail"),
    path("<kind:kind>/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("<kind:kind>/<int:pk>/publish/", views.record_publish, name="record_publish"),
    path("<kind:kind>/<int:pk>/withdraw/", views.record_withdraw, name="record_withdraw"),
]
