"""Authenticator secrets encrypted at rest, with a key derived from SECRET_KEY.

A copy of the database alone (a backup, a dump) does not give away anyone's codes. Keys in
SECRET_KEY_FALLBACKS still decrypt, so the site's key can be rotated the way Django rotates it.
cryptography is imported when a secret is first read or written: readers' pages never need it.
"""

import base64

from django.conf import settings
from django.utils.crypto import salted_hmac

SALT = "newsdesk.twofactor.vault"


class Unreadable(Exception):
    """The secret was encrypted with a key the site no longer has."""


def _fernet(secret_key):
    from cryptography.fernet import Fernet

    digest = salted_hmac(SALT, "authenticator secrets", secret=secret_key, algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys():
    from cryptography.fernet import MultiFernet

    return MultiFernet([_fernet(key) for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)])


def encrypt(text):
    return _keys().encrypt(text.encode()).decode()


def decrypt(token):
    from cryptography.fernet import InvalidToken

    try:
        return _keys().decrypt(token.encode()).decode()
    except InvalidToken:
        raise Unreadable("The authenticator's secret cannot be read with the site's key.") from None
