"""Every signed-in session has its row in the account's list of sessions, and a session whose
row was removed (signed out from elsewhere) is signed out at its next request."""

from django.contrib import messages
from django.contrib.auth import logout

from newsdesk.site.middleware import has_session

from . import services


class SignInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signin_id, row = None, None
        if has_session(request):
            signin_id = request.session.get(services.KEY)
            if signin_id is not None and request.user.is_authenticated:
                row = services.row_of(request)
                if row is False:
                    logout(request)
                    messages.info(request, "This session was signed out from another one. Sign in again to go on.")
                    row = None
        response = self.get_response(request)
        # Readers who brought no session and were not signed in now cost nothing here.
        if has_session(request) or request.session.modified:
            if request.user.is_authenticated:
                services.keep(request, row)
            elif signin_id is not None:  # signed out by this request
                services.forget(signin_id)
        return response
