from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Signs a reader in with their email address (any case) and password.

    Asked only when `email` is given, so the admin's username login is untouched.
    """

    def authenticate(self, request, email=None, password=None, **kwargs):
        if not email or password is None:
            return None
        User = get_user_model()
        # Emails are unique among readers, but the newsroom may have given one to a staff account too.
        users = list(User._default_manager.filter(email__iexact=email.strip()).order_by("pk")[:5])
        if not users:
            User().set_password(password)  # as slow as a real check: the answer reveals no accounts
            return None
        for user in users:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        return None
