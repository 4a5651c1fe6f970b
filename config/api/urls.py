"""/api/v1/: the REST API, its OpenAPI schema and its documentation (served from this site, no CDN)."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound


@csrf_exempt  # as DRF's views: a POST to a wrong path is a 404, whatever its cookies
def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": NotFound.default_detail}, status=404)


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script from a URL, not inline: the content security policy allows it.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("committees.api.urls")),
    path("", include("matching.api.urls")),
    # Anything else under /api/v1/ (an id that is not a number, a misspelt name) is a JSON 404, not the site's
    # HTML page. Only paths ending in a slash: without one, CommonMiddleware still redirects to the slashed path.
    re_path(r"^.*/$", not_found),
]
