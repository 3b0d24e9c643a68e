from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    if settings.DEBUG or settings.SECRET_KEY_FROM_ENVIRONMENT:
        return []
    return [
        checks.Error(
            "SECRET_KEY is not set.", hint="Set SECRET_KEY in the environment.", id="screening.E001"
        )
    ]
