"""The signed-in sessions of an account: recorded as they are used, listed, and ended."""

import hmac
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsdesk.ratelimit import client_ip

from .models import SignIn

# The session's own note of its row.
KEY = "signin"
# "Last seen" is written at most this often, not at every request.
TOUCH_SECONDS = 5 * 60


def _store(session_key=None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def row_of(request):
    """The row of this request's session, or None; False when the session has one no longer
    (it was signed out from elsewhere)."""
    signin_id = request.session.get(KEY)
    if signin_id is None:
        return None
    row = SignIn.objects.filter(pk=signin_id).first()
    if row is None or row.user_id != request.user.pk:
        return False
    return row


def keep(request, row=None):
    """After a signed-in request: the session's row made, or its key and last seen brought up to date."""
    session, now = request.session, timezone.now()
    key = session.session_key
    if not key:
        return
    if row is None or row.user_id != request.user.pk:
        row = _start(request, key, now)
        session[KEY] = row.pk
    elif row.session_key != key or now - row.last_seen_at > timedelta(seconds=TOUCH_SECONDS):
        SignIn.objects.filter(pk=row.pk).update(session_key=key, last_seen_at=now)


def _start(request, key, now):
    user = request.user
    # Rows whose session has surely expired go: the list shows only what may still be signed in.
    SignIn.objects.filter(user=user, last_seen_at__lt=now - timedelta(seconds=settings.SESSION_COOKIE_AGE + 2 * TOUCH_SECONDS)).delete()
    fields = {"user": user, "started_at": now, "last_seen_at": now, "ip": client_ip(request) or None,
              "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300]}
    try:
        with transaction.atomic():
            row, _ = SignIn.objects.get_or_create(session_key=key, defaults=fields)
    except IntegrityError:  # two first requests of one session at once: the other made it
        row = SignIn.objects.get(session_key=key)
    return row


def forget(signin_id):
    """The row of a session that was signed out."""
    SignIn.objects.filter(pk=signin_id).delete()


def end(row):
    """Sign a session out: its session is deleted from the session store, and without its row
    it would be signed out at its next request all the same."""
    _store(row.session_key).delete(row.session_key)
    row.delete()


def end_others(request):
    """Sign out every other session of this request's account; how many there were."""
    others = SignIn.objects.filter(user=request.user).exclude(pk=request.session.get(KEY))
    ended = 0
    for row in others:
        end(row)
        ended += 1
    return ended


def _still_valid(row, user):
    """Whether a session is still signed in to this account, as far as its store tells
    (a changed password signs out other sessions: they hold the old password's hash)."""
    data = _store(row.session_key).load()
    return data.get(SESSION_KEY) == str(user.pk) and hmac.compare_digest(
        str(data.get(HASH_SESSION_KEY, "")), user.get_session_auth_hash())


def listed(request):
    """This account's signed-in sessions, this one first, each with `.current`."""
    user, current = request.user, request.session.get(KEY)
    rows = []
    for row in SignIn.objects.filter(user=user).order_by("-last_seen_at", "-pk"):
        if row.pk != current and not _still_valid(row, user):
            row.delete()  # signed out, expired, or ended by a new password
            continue
        row.current = row.pk == current
        rows.append(row)
    rows.sort(key=lambda row: not row.current)
    return rows
