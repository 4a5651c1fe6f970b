from django.urls import path

from matching.views import dashboard, projects, public, results

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("proposals/<int:pk>/answer/", dashboard.proposal_answer, name="proposal_answer"),
    path("topics/", dashboard.topics, name="topics"),
    path("topics/<int:pk>/", dashboard.topic, name="topic"),
    path("projects/", projects.project_list, name="project_list"),
    path("projects/<int:pk>/", projects.project_detail, name="project_detail"),
    path("project-updates/<int:pk>/photo/", projects.update_photo, name="project_update_photo"),
    path("results/", results.results_index, name="results_index"),
    path("results/<int:committee_id>/<str:period>/", results.results_page, name="results_page"),
    path(
        "results/<int:committee_id>/<str:period>/export.xlsx",
        results.results_export,
        name="results_export",
    ),
    path(
        "results/<int:committee_id>/<str:period>/publish/",
        results.results_publish,
        name="results_publish",
    ),
    # Residents (公示 · 民事民评 · 满意度调查): public, no account
    path("notice/<str:area_code>/", public.notice, name="public_notice"),
    path("notice/projects/<int:pk>/rate/", public.rate_project, name="resident_rate"),
    path("notice/surveys/<str:token>/", public.survey, name="resident_survey"),
    path("notice/photos/<int:pk>/", public.photo, name="public_photo"),
]
