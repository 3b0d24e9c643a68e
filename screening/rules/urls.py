from django.urls import path

from . import views, views_approval

app_name = "rules"

urlpatterns = [
    path("", views.version_list, name="versions"),
    path("draft/start/", views.draft_start, name="draft_start"),
    path("draft/discard/", views.draft_discard, name="draft_discard"),
    path("draft/rules/new/", views.rule_edit, name="rule_new"),
    path("draft/rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("draft/rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("draft/vocabulary/<int:pk>/remove/", views.vocabulary_remove, name="vocabulary_remove"),
    path("draft/vocabulary/classes/", views.vocabulary_class_add, name="vocabulary_class_add"),
    path("draft/publish/", views.publish, name="publish"),
    path("diff/", views.version_diff, name="diff"),
    path("requests/", views_approval.request_list, name="requests"),
    path("requests/<int:pk>/", views_approval.request_detail, name="request"),
    path(
        "requests/<int:pk>/approve/",
        views_approval.request_decide,
        {"approve": True},
        name="request_approve",
    ),
    path(
        "requests/<int:pk>/reject/",
        views_approval.request_decide,
        {"approve": False},
        name="request_reject",
    ),
    path("scenarios/", views.scenario_run, name="scenarios"),
    path("scenarios/new/", views.scenario_edit, name="scenario_new"),
    path("scenarios/<int:pk>/", views.scenario_edit, name="scenario_edit"),
    path("v<int:version>/", views.version_detail, name="version"),
    path("v<int:version>/vocabulary/", views.vocabulary_page, name="vocabulary"),
    path("v<int:version>/rollback/", views.rollback, name="rollback"),
]
