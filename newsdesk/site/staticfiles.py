"""Static files under hashed names, for caching them for good."""

import contextlib
import fcntl

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


@contextlib.contextmanager
def collecting_lock(*, exclusive):
    """Held exclusively while `newsdesk serve` collects the static files, and shared while a
    serving process reads the folder (WhiteNoise lists it once, at start): two servers
    starting together on one box never read a folder the other is writing."""
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(settings.VAR_DIR / "collectstatic.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage (hashed names, and gzip copies), with a fallback.

    A name the manifest does not list (collectstatic has not run, as in tests and in a fresh
    checkout, or the file is newer than the last run) links the plain name instead of failing
    the page: WhiteNoise serves plain names from the apps too, with a short max-age.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A name's address, worked out once: the manifest is read once per process, so it
        # cannot change, and every page links the same few files (a twentieth of an
        # uncached article page went into working them out again).
        self._addresses = {}

    def url(self, name, force=False):
        key = (name, force)
        address = self._addresses.get(key)
        if address is None:
            try:
                address = super().url(name, force)
            except ValueError:  # no manifest entry
                address = self._url(lambda plain_name: plain_name, name, force)
            self._addresses[key] = address
        return address
