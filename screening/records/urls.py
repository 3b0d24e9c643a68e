from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("screenings/<int:pk>/", views.screening_detail, name="screening_detail"),
]
