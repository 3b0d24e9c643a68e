from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("new/", views.new_consultation, name="new"),
    path("<uuid:token>/", views.consultation, name="consultation"),
    path("<uuid:token>/save/", views.save_answers, name="save"),
]
