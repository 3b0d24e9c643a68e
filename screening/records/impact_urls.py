"""The impact preview's addresses, mounted under /rules/ beside the rules pages."""

from django.urls import path

from . import views_impact

app_name = "impact"

urlpatterns = [
    path("draft/impact/", views_impact.impact_start, name="start"),
    path("clinic/draft/impact/", views_impact.impact_start, {"layer": True}, name="start_layer"),
    path("impact/<int:pk>/", views_impact.impact_page, name="run"),
]
