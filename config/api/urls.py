"""/api/v1/: the REST API, its OpenAPI schema and its documentation (served from this site, no CDN)."""

from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, include, path, re_path, resolve
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


@csrf_exempt  # as DRF's views: a POST to a wrong path is a 404, whatever its cookies
def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": gettext("Not found.")}, status=404)


@csrf_exempt
def missing_slash(request, *args, **kwargs):
    """A path without its trailing slash. Django's APPEND_SLASH would answer 301, and the client would repeat a
    POST as a GET without its body; say instead where the endpoint is. A GET is still redirected."""
    slashed = request.path_info + "/"
    try:
        endpoint = resolve(slashed).func is not not_found
    except Resolver404:
        endpoint = False
    if not endpoint:
        return not_found(request)
    if request.method in ("GET", "HEAD"):
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    message = gettext("No endpoint here: API paths end with a slash. Send the request to %(path)s.")
    return JsonResponse({"detail": message % {"path": request.path + "/"}}, status=404)


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script from a URL, not inline: the content security policy allows it.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("committees.api.urls")),
    path("", include("matching.api.urls")),
    # Anything else under /api/v1/ (an id that is not a number, a misspelt name) is a JSON 404, not the site's
    # HTML page; a path without its trailing slash gets a JSON answer naming the slashed path.
    re_path(r"^.*/$", not_found),
    re_path(r"^.*[^/]$", missing_slash),
]
