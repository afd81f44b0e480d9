"""Keeps every signed-in session to the second-factor rules, whichever way it signed in.

- The admin's sign-in page sends visitors to the newsroom's, which asks for the code.
- A session of an account with a second factor that never gave its code (made some other way)
  is signed out.
- When NEWSROOM_REQUIRE_2FA_FOR_ADMINS is on, staff and superusers who have not passed a second
  factor in this session see only the page that sets it up (so /admin/ is out of their reach).
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from newsdesk.site.middleware import has_session

from . import services, signin


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        answer = self.check(request)
        return answer if answer is not None else self.get_response(request)

    def check(self, request):
        path = request.path_info
        if path == reverse("admin:login") and request.method in ("GET", "HEAD"):
            return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("readers:login"))
        # Only a visitor who brought a session cookie can be signed in (readers without one cost nothing).
        if not has_session(request):
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        state = request.session.get(signin.STATE)
        if state == signin.PASSED:
            return None
        required = services.required_for(user)
        if state is None or required:
            # First request of this session (or one signed in by the password alone): an account
            # with a second factor gives its code, whatever door it came in by.
            if services.is_on(user):
                logout(request)
                messages.error(request, "Please sign in again: this account also needs a code from its app.")
                return redirect_to_login(request.get_full_path(), reverse("readers:login"))
            if state is None:
                request.session[signin.STATE] = signin.OFF
        if required and not self.allowed(path):
            return redirect(reverse("twofactor:setup") + "?" + urlencode({"next": request.get_full_path()}))
        return None

    @staticmethod
    def allowed(path):
        """What an admin who must still set up a second factor may open."""
        return path in (reverse("twofactor:setup"), reverse("readers:logout"), reverse("readers:csrf"))
