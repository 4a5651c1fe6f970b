"""Root URLs: the secretaries' admin, the member units' pages, the API, the health check."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.admin import admin_site
from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin_site.urls),
    path("api/v1/", include("config.api.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("committees.accounts_urls")),
    path("captcha/", include("captcha.urls")),
    path("", include("matching.urls")),
    path("", include("committees.urls")),
]
# No route serves MEDIA_ROOT, in any settings: project photos are served by matching.views_projects.update_photo
# to those who may see the project.
