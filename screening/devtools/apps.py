from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Tools for developers (`manage.py fuzz`); no models, no pages."""

    name = "screening.devtools"
