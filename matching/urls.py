from django.urls import path

from matching.views import dashboard, projects, public, results, summons

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
    # Residents (公示 · 民事民评 · 满意度调查): public, no account
    path("notice/<str:area_code>/", public.notice, name="public_notice"),
    path("notice/projects/<int:pk>/rate/", public.rate_project, name="resident_rate"),
    path("notice/surveys/<str:token>/", public.survey, name="resident_survey"),
    path("notice/photos/<int:pk>/", public.photo, name="public_photo"),
]

# 双报到: the party members' phone pages (matching/views/members.py)
from matching.views import members  # noqa: E402

urlpatterns += [
    path("members/", members.home, name="members_home"),
    path("members/register/", members.register, name="members_register"),
    path("members/tasks/", members.task_list, name="members_tasks"),
    path("members/tasks/<int:pk>/", members.task_detail, name="members_task"),
    path("members/tasks/<int:pk>/live.json", members.task_live, name="members_task_live"),
    path("members/tasks/<int:pk>/mobilise/", members.task_mobilise, name="members_task_mobilise"),
    path("members/hours/", members.my_hours, name="members_hours"),
    path("members/commitment/", members.my_commitment, name="members_commitment"),
    path("members/unit/", members.unit_members, name="members_unit"),
]
