from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "screening.api"
    label = "api"
    verbose_name = "Other systems: API keys, CDS Hooks clients"
