from django.contrib.admin.forms import AdminAuthenticationForm

from . import throttle


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, throttled like every other (see throttle.py)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if self.request is None or not username or not self.cleaned_data.get("password"):
            return super().clean()  # no password to check: nothing to count
        with throttle.guarded(self.request, username, "admin"):
            return super().clean()
