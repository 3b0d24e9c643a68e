from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "screening.accounts"
    label = "accounts"
    verbose_name = "Clinics and roles"

    def ready(self):
        from . import checks, signals  # noqa: F401
