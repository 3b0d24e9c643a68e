from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "screening.records"
    label = "records"
    verbose_name = "Clients and screening records"
