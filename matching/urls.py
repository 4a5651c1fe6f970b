from django.urls import path

from matching.views import dashboard, projects, results, summons

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
    # 吹哨报到: the department's pages
    path("summons/", summons.summons_home, name="summons_home"),
    path("summons/parts/<int:pk>/", summons.summons_part, name="summons_part"),
    path("summons/records/<int:pk>/photo/", summons.summons_record_photo, name="summons_record_photo"),
    path(
        "results/<int:committee_id>/<str:period>/publish/",
        results.results_publish,
        name="results_publish",
    ),
]
