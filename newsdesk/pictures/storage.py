"""Where the originals are kept: ORIGINALS_ROOT, a folder of their own that no URL leads to."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="newsdesk.pictures.storage.OriginalsStorage")
class OriginalsStorage(FileSystemStorage):
    """The newsroom fetches an original through a view that checks who asks (pictures:original)."""

    def __init__(self):
        super().__init__(base_url=None)

    # Read from the settings each time, not once: tests (and a changed setting) move the folder.
    @property
    def base_location(self):
        return settings.ORIGINALS_ROOT

    @property
    def location(self):
        return str(settings.ORIGINALS_ROOT)

    def url(self, name):
        raise ValueError("Originals have no public address; link the newsroom's pictures:original view.")


originals = OriginalsStorage()
