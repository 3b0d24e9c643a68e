import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import LOGIN_AT_KEY


@receiver(user_logged_in)
def stamp_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = time.time()
