from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/recovery-codes/", views.new_recovery_codes, name="new_recovery_codes"),
    path("sessions/", views.sessions, name="sessions"),
]
