from django.apps import AppConfig


class PicturesConfig(AppConfig):
    name = "newsdesk.pictures"
    label = "pictures"
    verbose_name = "Pictures"

    def ready(self):
        from django.conf import settings
        from PIL import Image

        from . import checks  # noqa: F401 (registers them)

        # Pillow's decompression-bomb guard at the newsroom's own limit, wherever a picture is read.
        Image.MAX_IMAGE_PIXELS = settings.PICTURE_MAX_PIXELS
