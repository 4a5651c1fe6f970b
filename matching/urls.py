from django.urls import path

from . import views, views_projects, views_results

urlpatterns = [
    path("", views.home, name="home"),
    path("proposals/<int:pk>/answer/", views.proposal_answer, name="proposal_answer"),
    path("topics/", views.topics, name="topics"),
    path("topics/<int:pk>/", views.topic, name="topic"),
    path("projects/", views_projects.project_list, name="project_list"),
    path("projects/<int:pk>/", views_projects.project_detail, name="project_detail"),
    path("project-updates/<int:pk>/photo/", views_projects.update_photo, name="project_update_photo"),
    path("results/", views_results.results_index, name="results_index"),
    path("results/<int:committee_id>/<str:period>/", views_results.results_page, name="results_page"),
    path(
        "results/<int:committee_id>/<str:period>/export.xlsx",
        views_results.results_export,
        name="results_export",
    ),
    path(
        "results/<int:committee_id>/<str:period>/publish/",
        views_results.results_publish,
        name="results_publish",
    ),
]
