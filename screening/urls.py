from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from screening.accounts import security as account_security
from screening.accounts import views as account_views
from screening.api import cds_views
from screening.api import views as api_views
from screening.api.api import api_urls
from screening.forms import SignInForm
from screening.intake import client_views
from screening.rules import views_sources

admin.site.site_header = "Microneedling screening: administration"
admin.site.site_title = "Screening admin"

urlpatterns = [
    path("", account_views.home, name="home"),
    path(
        "accounts/login/",
        account_views.LoginView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("screening.accounts.urls")),
    path("csp-report/", account_security.csp_report, name="csp_report"),
    path("records/", include("screening.records.urls")),
    path("consultations/", include("screening.intake.urls")),
    # The same pages edit the safety floor (/rules/) and the signed-in clinic's layer.
    path("rules/clinic/", include("screening.rules.urls", namespace="clinic_rules")),
    path("rules/", include("screening.rules.urls")),
    path("sources/", views_sources.sources, name="sources"),
    path("rules/", include("screening.records.impact_urls")),
    path("api/v1/", api_urls()),
    path("integrations/keys/", api_views.api_keys, name="api_keys"),
    path("cds-services", cds_views.discovery, name="cds_discovery"),
    path("cds-services/microneedling-screening", cds_views.service, name="cds_service"),
    path("cds-services/microneedling-screening/feedback", cds_views.feedback, name="cds_feedback"),
    path(
        "cds-services/microneedling-screening/precautions/<str:code>",
        cds_views.precaution,
        name="cds_precaution",
    ),
    path("integrations/keys/<int:pk>/revoke/", api_views.api_key_revoke, name="api_key_revoke"),
    path("integrations/cds-clients/", api_views.cds_clients, name="cds_clients"),
    path(
        "integrations/cds-clients/<int:pk>/remove/",
        api_views.cds_client_remove,
        name="cds_client_remove",
    ),
    # The client's pages, opened from an invitation link without signing in.
    path("i/thanks/", client_views.thanks, name="invitation_thanks"),
    path("i/<str:token>/", client_views.open_invitation, name="invitation_open"),
    path("i/<str:token>/save/", client_views.save_invitation, name="invitation_save"),
    path("admin/", admin.site.urls),
]
