"""The demo newsroom login a demo start makes and prints (never a production start)."""

import fcntl
import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError


def _login_file():
    return settings.VAR_DIR / "newsroom-login"


def has_newsroom_admin():
    """Whether an active account may sign in to the newsroom's admin."""
    return get_user_model().objects.filter(is_active=True, is_superuser=True).exists()


def ensure_demo_login():
    """(username, password) of the demo newsroom account, made on the first demo start.

    A demo feature only (`newsdesk serve --demo`, as `make demo` runs it): the password is
    kept in var/newsroom-login (readable by the owner only) so that every demo start can
    print it; if it no longer works, a new one is set.
    """
    # Two servers started together on one box take turns: the second finds the first's login.
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(settings.VAR_DIR / "newsroom-login.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _ensure_demo_login()
        except IntegrityError:  # another machine made the account at the same moment
            return _ensure_demo_login()


def _ensure_demo_login():
    User = get_user_model()
    username, password = settings.NEWSROOM_USERNAME, None
    path = _login_file()
    if path.exists():
        saved = path.read_text().splitlines()
        if len(saved) >= 2:
            username, password = saved[0].strip(), saved[1].strip()
    user = User.objects.filter(username=username).first()
    if user is not None and password and user.check_password(password) and user.is_active:
        return username, password

    password = secrets.token_urlsafe(12)
    if user is None:
        user = User(username=username, is_staff=True, is_superuser=True)
    user.is_active = True
    user.set_password(password)
    user.save()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"{username}\n{password}\n")
    return username, password
