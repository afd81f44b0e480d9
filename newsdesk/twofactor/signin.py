"""Signing in with a second factor: the password first, then a code, and only then a session.

Between the two steps the session holds only who is waiting to give a code, until when, where
to go next, and how many wrong codes were given: the visitor is not signed in.
"""

import time

from django.contrib.auth import get_user_model, login
from django.shortcuts import redirect
from django.urls import reverse

from . import services

PENDING = "twofactor_pending"
# What the session says of its second factor: passed (a code was given, or the app set up here),
# or off (the account had none when it signed in). The middleware reads it.
STATE = "twofactor"
PASSED, OFF = "passed", "off"

PENDING_SECONDS = 5 * 60
WRONG_CODES = 5


def begin(request, user, next_url):
    """After the right password: a redirect to the code step when the account has a second
    factor (nobody is signed in yet), else None and the password step signs in as usual."""
    if not services.is_on(user):
        return None
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        # A password changed meanwhile ends the waiting, as it ends sessions.
        "hash": user.get_session_auth_hash(),
        "until": time.time() + PENDING_SECONDS,
        "next": next_url,
        "wrong": 0,
    }
    return redirect("twofactor:code")


def pending(request):
    """(user, state) of the sign-in waiting for a code in this session, or (None, None)."""
    state = request.session.get(PENDING)
    if not isinstance(state, dict) or state.get("until", 0) < time.time():
        request.session.pop(PENDING, None)
        return None, None
    user = get_user_model().objects.filter(pk=state["user"], is_active=True).first()
    if user is None or user.get_session_auth_hash() != state["hash"]:
        request.session.pop(PENDING, None)
        return None, None
    return user, state


def wrong_code(request, state):
    """Count a wrong code; True while more tries are left, else the waiting sign-in is over."""
    state["wrong"] += 1
    if state["wrong"] >= WRONG_CODES:
        request.session.pop(PENDING, None)
        return False
    request.session[PENDING] = state
    return True


def finish(request, user, state):
    """The code was right: sign in now (Django gives the session a new key)."""
    request.session.pop(PENDING, None)
    login(request, user, backend=state["backend"])
    request.session[STATE] = PASSED
    return state.get("next") or reverse("newsroom:home")


def tries_left(state):
    return WRONG_CODES - state["wrong"]
