"""The code step of signing in, and a newsroom account's page for its second factor."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from newsdesk import ratelimit
from newsdesk.signins import services as signins

from . import forms, services, signin

# Per account, whichever browser they come from: with the password known, each sign-in gives
# WRONG_CODES tries; this bounds how many codes can be guessed in all.
CODE_LIMIT = (20, 3600)
PROVE_LIMIT = (10, 600)
START_OVER = "Too many wrong codes. For your safety, sign in again with your password."
TOO_MANY = "Too many codes were tried for this account in the last hour. Please wait an hour and try again."


def newsroom_account(view):
    """Signed-in newsroom members and admin staff; readers get 403."""
    @wraps(view)
    def check(request, *args, **kwargs):
        if not services.can_use(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return never_cache(login_required(check))


def _start_over(request, message):
    messages.error(request, message)
    return redirect("readers:login")


@never_cache
@require_http_methods(["GET", "POST"])
def code(request):
    """The second step of signing in: the code from the app, or a recovery code."""
    user, state = signin.pending(request)
    if user is None:
        return _start_over(request, "Your sign-in waited too long for its code, or was ended. Sign in again.")
    form = forms.CodeForm(request.POST or None)
    refusal, status = None, 200
    if request.method == "POST" and form.is_valid():
        count, seconds = CODE_LIMIT
        if not ratelimit.allow("twofactor-code", user.pk, count, seconds):
            request.session.pop(signin.PENDING, None)
            return render(request, "twofactor/code.html", {"form": None, "refusal": TOO_MANY}, status=429)
        try:
            kind = services.check(user, form.cleaned_data["code"])
        except services.CodeRefused as error:
            if not signin.wrong_code(request, state):
                return render(request, "twofactor/code.html", {"form": None, "refusal": START_OVER}, status=429)
            refusal, status = str(error), 400
            left = signin.tries_left(state)
            refusal += f" {left} {'try' if left == 1 else 'tries'} left."
        else:
            next_url = signin.finish(request, user, state)
            if kind == "recovery":
                left = services.recovery_codes_left(user)
                messages.warning(request, f"You signed in with a recovery code; it cannot be used again. "
                                          f"{left} left: make new ones on your two-step sign-in page if you run low.")
            return redirect(next_url)
    if form.errors:
        status = 400
    return render(request, "twofactor/code.html", {"form": form, "refusal": refusal}, status=status)


def _next(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return ""


def _overview(request, status=200, **forms_given):
    user = request.user
    return render(request, "twofactor/overview.html", {
        "on": services.is_on(user),
        "required": services.required_for(user),
        "codes_left": services.recovery_codes_left(user),
        "off_form": forms_given.get("off") or forms.ProveForm(user, prefix="off"),
        "codes_form": forms_given.get("codes") or forms.ProveForm(user, prefix="codes"),
    }, status=status)


@newsroom_account
def overview(request):
    return _overview(request)


@newsroom_account
@require_http_methods(["GET", "POST"])
def setup(request):
    user, next_url = request.user, _next(request)
    if services.is_on(user):
        return redirect("twofactor:overview")
    form = forms.ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.turn_on(user, form.cleaned_data["code"])
        except services.CodeRefused as error:
            form.add_error("code", str(error))
        else:
            request.session[signin.STATE] = signin.PASSED
            # Any session signed in before, with the password only, ends here.
            ended = signins.end_others(request)
            return render(request, "twofactor/recovery_codes.html",
                          {"codes": codes, "just_on": True, "ended": ended, "next": next_url})
    secret = services.pending_setup(user)
    uri = services.setup_uri(user, secret)
    return render(request, "twofactor/setup.html", {
        "form": form, "qr": services.qr_svg(uri), "secret": services.grouped(secret), "next": next_url,
        "required": services.required_for(user),
    }, status=400 if form.errors else 200)


def _proven(request, prefix):
    """The ProveForm of this POST and its status, counted against the account's tries."""
    form = forms.ProveForm(request.user, request.POST, prefix=prefix)
    count, seconds = PROVE_LIMIT
    if not ratelimit.allow("twofactor-prove", request.user.pk, count, seconds):
        form.is_valid()
        form.errors.clear()
        form.add_error(None, "Too many tries in the last few minutes. Please wait ten minutes and try again.")
        return form, 429
    return form, (200 if form.is_valid() else 400)


@newsroom_account
@require_http_methods(["POST"])
def turn_off(request):
    if services.required_for(request.user):
        messages.error(request, "Accounts that can reach the admin must keep two-step sign-in on.")
        return redirect("twofactor:overview")
    form, status = _proven(request, "off")
    if status != 200:
        return _overview(request, status, off=form)
    services.turn_off(request.user)
    request.session[signin.STATE] = signin.OFF
    messages.success(request, "Two-step sign-in is off: your password alone signs you in.")
    return redirect("twofactor:overview")


@newsroom_account
@require_http_methods(["POST"])
def recovery_codes(request):
    if not services.is_on(request.user):
        return redirect("twofactor:overview")
    form, status = _proven(request, "codes")
    if status != 200:
        return _overview(request, status, codes=form)
    return render(request, "twofactor/recovery_codes.html", {"codes": services.renew_recovery_codes(request.user)})
