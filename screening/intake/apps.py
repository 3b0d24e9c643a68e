from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "screening.intake"
    label = "intake"
    verbose_name = "Consultations"
