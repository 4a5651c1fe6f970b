from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("proposals/<int:pk>/answer/", views.proposal_answer, name="proposal_answer"),
    path("topics/", views.topics, name="topics"),
    path("topics/<int:pk>/", views.topic, name="topic"),
]
