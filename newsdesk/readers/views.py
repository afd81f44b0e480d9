import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods

from newsdesk import ratelimit
from newsdesk.signins import services as signins
from newsdesk.site.limits import too_many
from newsdesk.twofactor import signin as twofactor
from newsdesk.logins import throttle

from . import forms, services

log = logging.getLogger(__name__)

# Attempts per address: enough for a household behind one address, too few for a script.
SIGNUP_LIMIT = RESET_LIMIT = (10, 600)
RESEND_LIMIT = (5, 3600)  # verification mails per account
TOO_MANY = "Too many attempts from your network in the last few minutes. Please wait ten minutes and try again."


def _next_url(request):
    """Where to go after signing in or up: ?next= when it is on this site, else ""."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return ""


def _allowed(request, scope, limit):
    count, seconds = limit
    return ratelimit.allow(scope, ratelimit.client_ip(request), count, seconds)


def _typed(request, *names):
    """What the reader typed into a refused form, to show it again (never a password)."""
    return {name: request.POST.get(name, "") for name in names}


def _send_verification(request, user):
    try:
        services.send_verification(request, user)
    except OSError:
        log.exception("Could not send the verification mail to user %s", user.pk)
        messages.error(request, "We could not send the confirmation mail just now. Please ask for it again in a few minutes.")
        return False
    return True


@never_cache  # pages with a form carry a CSRF token: never from a shared cache
@require_http_methods(["GET", "POST"])
def signup(request):
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or "readers:account")
    if request.method == "POST":
        if not _allowed(request, "signup", SIGNUP_LIMIT):
            form = forms.SignupForm(initial=_typed(request, "display_name", "email"))
            return too_many(render(request, "readers/signup.html", {"form": form, "next": next_url, "refusal": TOO_MANY}),
                            SIGNUP_LIMIT[1])
        form = forms.SignupForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.register(display_name=data["display_name"], email=data["email"], password=data["password"])
            except ValidationError as error:  # the address was taken since the form looked
                form.add_error("email", error)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                if _send_verification(request, user):
                    name = services.display_name(user)
                    messages.success(request, f"Welcome, {name}. We have sent you a link to confirm your email address.")
                return redirect(next_url or "readers:account")
    else:
        form = forms.SignupForm()
    return render(request, "readers/signup.html", {"form": form, "next": next_url})


class Login(auth.LoginView):
    """Django's login (it checks ?next= itself), by email address (or a newsroom username); after
    too many failures for the account or from the client, refused with 429 (logins/throttle.py)."""

    form_class = forms.LoginForm
    template_name = "readers/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # Django's login names the site by the host asked for; the masthead names it SITE_NAME.
        return {**super().get_context_data(**kwargs), "site_name": settings.SITE_NAME}

    def form_invalid(self, form):
        return throttle.answer(super().form_invalid(form), form)

    def form_valid(self, form):
        # An account with a second factor is signed in only after its code, on the next page.
        code_step = twofactor.begin(self.request, form.get_user(), self.get_success_url())
        return code_step or super().form_valid(form)


@method_decorator(never_cache, name="dispatch")
class PasswordReset(auth.PasswordResetView):
    form_class = forms.ResetForm
    template_name = "readers/password_reset.html"
    email_template_name = "readers/password_reset_email.txt"
    subject_template_name = "readers/password_reset_subject.txt"
    success_url = reverse_lazy("readers:password_reset_done")

    @property
    def extra_email_context(self):
        return {"site_name": settings.SITE_NAME}

    def post(self, request, *args, **kwargs):
        # Each request may send a mail: limited like logins, so no one floods an inbox.
        if not _allowed(request, "password-reset", RESET_LIMIT):
            form = self.form_class(initial=_typed(request, "email"))
            return too_many(self.render_to_response(self.get_context_data(form=form, refusal=TOO_MANY)), RESET_LIMIT[1])
        return super().post(request, *args, **kwargs)


class PasswordResetConfirm(auth.PasswordResetConfirmView):
    form_class = forms.NewPasswordForm
    template_name = "readers/password_reset_confirm.html"
    success_url = reverse_lazy("readers:password_reset_complete")


class PasswordChange(auth.PasswordChangeView):
    form_class = forms.ChangePasswordForm
    template_name = "readers/password_change.html"
    success_url = reverse_lazy("readers:account")

    def form_valid(self, form):
        messages.success(self.request, "Your password is changed.")
        response = super().form_valid(form)
        signins.end_others(self.request)  # the old password's other sessions, out of the list too
        return response


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def account(request):
    if request.method == "POST":
        form = forms.AccountForm(request.POST)
        if form.is_valid():
            name = services.set_display_name(request.user, form.cleaned_data["display_name"])
            messages.success(request, f"Your display name is now {name}.")
            return redirect("readers:account")
    else:
        form = forms.AccountForm(initial={"display_name": services.display_name(request.user)})
    return render(request, "readers/account.html", {"form": form, "verified": services.is_verified(request.user)})


@never_cache
def verify(request, token):
    try:
        user = services.verify(token)
    except services.VerificationError as error:
        return render(request, "readers/verify.html", {"error": str(error)}, status=400)
    return render(request, "readers/verify.html", {"verified_user": user})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def resend(request):
    user = request.user
    if request.method == "POST" and user.email and not services.is_verified(user):
        count, seconds = RESEND_LIMIT
        if not ratelimit.allow("verify-resend", user.pk, count, seconds):
            messages.error(request, "We have sent several links in the last hour. "
                                    "Please check your inbox (and spam folder), or try again later.")
            return too_many(render(request, "readers/resend.html"), seconds)
        if _send_verification(request, user):
            messages.success(request, f"We have sent a new link to {user.email}. It is valid for {services.VERIFY_DAYS} days.")
        return redirect("readers:account")
    return render(request, "readers/resend.html", {"verified": services.is_verified(user)})


@require_GET
@cache_control(no_store=True, private=True)
def csrf(request):
    """A CSRF token (and its cookie) for the forms of a page that came without one."""
    return JsonResponse({"token": get_token(request)})
