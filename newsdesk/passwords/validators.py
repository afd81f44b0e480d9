"""Passwords known from breaches, refused wherever Django validates a password (createsuperuser,
password changes and resets, the admin's user forms, readers' sign-up)."""

import functools
import gzip
import hashlib
from array import array
from bisect import bisect_left
from pathlib import Path

from django.core.exceptions import ValidationError

# About 437,000 passwords from breaches (see NOTICE.md beside it), one a line, gzipped.
BREACHED_LIST = Path(__file__).with_name("breached-passwords.txt.gz")


def _fingerprint(password):
    # Compared like Django's common-password list: in lower case, without surrounding spaces.
    return int.from_bytes(hashlib.blake2b(password.strip().lower().encode(), digest_size=8).digest(), "big")


@functools.cache
def _fingerprints(path):
    """The list as a sorted array of 64-bit fingerprints: read once per process, about 3.5 MB
    where a set of the strings would take ten times that in every worker."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
    return array("Q", sorted(_fingerprint(line) for line in text.splitlines() if line.strip()))


def is_breached(password, path=BREACHED_LIST):
    fingerprints = _fingerprints(Path(path))
    wanted = _fingerprint(password)
    at = bisect_left(fingerprints, wanted)
    return at < len(fingerprints) and fingerprints[at] == wanted


class BreachedPasswordValidator:
    """Refuses a password found in a list of passwords leaked from other sites, checked offline.
    Such passwords are the first that attackers try, whatever their length."""

    def __init__(self, path=BREACHED_LIST):
        self.path = path

    def validate(self, password, user=None):
        if is_breached(password, self.path):
            raise ValidationError(
                "This password has appeared in a data breach, so attackers try it first. Please choose another.",
                code="password_breached",
            )

    def get_help_text(self):
        return "Your password can't be one that has appeared in a data breach."
