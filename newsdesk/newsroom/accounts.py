"""The newsroom login a fresh install starts with."""

import fcntl
import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError


def _login_file():
    return settings.VAR_DIR / "newsroom-login"


def ensure_newsroom_login():
    """(username, password) of the newsroom account, made on first start.

    The password is kept in var/newsroom-login (readable by the owner only) so
    that every start can print it; if it no longer works, a new one is set.
    """
    # Two servers started together on one box take turns: the second finds the first's login.
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(settings.VAR_DIR / "newsroom-login.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _ensure_newsroom_login()
        except IntegrityError:  # another machine made the account at the same moment
            return _ensure_newsroom_login()


def _ensure_newsroom_login():
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
