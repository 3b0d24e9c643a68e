from django.urls import path

from . import (
    views,
    views_consent,
    views_corrections,
    views_dashboard,
    views_exports,
    views_next,
)

app_name = "records"

urlpatterns = [
    path("", views.screening_list, name="screening_list"),
    path("due/", views.due_rescreen, name="due_rescreen"),
    path("clients/", views.client_search_view, name="client_search"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("screenings/<int:pk>/", views.screening_detail, name="screening_detail"),
    path("screenings/<int:pk>/letter/", views_next.screening_letter, name="screening_letter"),
    path(
        "screenings/<int:pk>/follow-up/",
        views_next.screening_follow_up,
        name="screening_follow_up",
    ),
]

# Corrections, the audit of prints, exports and the dashboard (records keepers).
urlpatterns += [
    path(
        "screenings/<int:pk>/override/",
        views_corrections.screening_override,
        name="screening_override",
    ),
    path(
        "screenings/<int:pk>/printed/",
        views_corrections.screening_printed,
        name="screening_printed",
    ),
    path("screenings/<int:pk>/fhir/", views_exports.screening_fhir, name="screening_fhir"),
    path("export.csv", views_exports.records_csv, name="export_csv"),
    path("questionnaire.fhir.json", views_exports.questionnaire_fhir, name="questionnaire_fhir"),
    path("clients/<int:pk>/export/", views_exports.client_export, name="client_export"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
]

# Consent: taken at the chair by the practitioner; its wording kept by records keepers.
urlpatterns += [
    path(
        "screenings/<int:pk>/consent/",
        views_consent.screening_consent,
        name="screening_consent",
    ),
    path("consent-text/", views_consent.consent_text, name="consent_text"),
]
