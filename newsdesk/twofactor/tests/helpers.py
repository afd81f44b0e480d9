"""Signing in as a person would, with codes from an authenticator app computed like the app does."""

import html
import re
import time

import pyotp
import pytest
from django.test import Client

from newsdesk.conftest import PASSWORD

STEP = 30


@pytest.fixture
def fresh_step():
    """Starts a test early in a 30-second time step, so that "this code", "the one before"
    and "the one after" stay the same for the whole test (the app's clock is the real one)."""
    if STEP - time.time() % STEP < 8:
        time.sleep(STEP - time.time() % STEP + 0.1)


def code(secret, steps=0):
    """The code an authenticator app shows now (or `steps` time steps away) for `secret`."""
    return pyotp.TOTP(secret).at(time.time() + steps * STEP)


def sign_in(client, username, password=PASSWORD, next_url=None):
    data = {"email": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/account/login/", data)


def give_code(client, value):
    return client.post("/newsroom/security/code/", {"code": value})


def turn_on(client, steps=-1):
    """Sets up two-step sign-in for the client's account: (secret, recovery codes).

    Confirms with the code of the step before, so that this step's code is still free to sign in with.
    """
    page = client.get("/newsroom/security/setup/")
    secret = re.search(rb'<code class="security-secret">([A-Z2-7 ]+)</code>', page.content).group(1).decode().replace(" ", "")
    done = client.post("/newsroom/security/setup/", {"code": code(secret, steps)})
    assert done.status_code == 200, done.content
    codes = [html.unescape(c) for c in re.findall(r"<li><code>([a-z2-7-]+)</code></li>", done.content.decode())]
    return secret, codes


def is_signed_in(client):
    """Whether the newsroom opens for this client (else it is sent to sign in)."""
    return client.get("/newsroom/").status_code == 200


def new_client(ip="192.0.2.10", agent="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"):
    return Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)
