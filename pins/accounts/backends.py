"""The authentication backends: Django's and allauth's, reading the signed-in person on each request together with
the memberships that give them their roles (authorization.USER_WITH_MEMBERSHIPS_SQL), one query where there were
two. Everything else, signing in included, is the backends' own."""

from allauth.account import auth_backends
from django.contrib.auth import backends

from pins.accounts.authorization import USER_WITH_MEMBERSHIPS_SQL
from pins.accounts.models import User


class _UserWithMemberships:
    def get_user(self, user_id):
        user = next(iter(User.objects.raw(USER_WITH_MEMBERSHIPS_SQL, {"user": user_id})), None)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_UserWithMemberships, backends.ModelBackend):
    pass


class AuthenticationBackend(_UserWithMemberships, auth_backends.AuthenticationBackend):
    pass
