"""Sign-in backend: Django's own, reading the signed-in user with their clinic in one query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class MemberBackend(ModelBackend):
    """On every request the user, their membership and its clinic come in one joined query."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("membership__clinic")
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
