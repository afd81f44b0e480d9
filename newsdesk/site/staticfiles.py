"""Static files under hashed names, for caching them for good."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage (hashed names, and gzip copies), with a fallback.

    A name the manifest does not list (collectstatic has not run, as in tests and in a fresh
    checkout, or the file is newer than the last run) links the plain name instead of failing
    the page: WhiteNoise serves plain names from the apps too, with a short max-age.
    """

    def url(self, name, force=False):
        try:
            return super().url(name, force)
        except ValueError:  # no manifest entry
            return self._url(lambda plain_name: plain_name, name, force)
