from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "screening.rules"
    label = "rules"
    verbose_name = "Rules and medication vocabulary"
