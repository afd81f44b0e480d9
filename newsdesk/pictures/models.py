from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .storage import originals


class Picture(models.Model):
    """An uploaded picture and its renditions, made once at upload (see services.store_upload)."""

    # The upload upright and without its metadata (EXIF may say where the photographer stood):
    # the master for remaking renditions, kept out of every served folder (storage.originals).
    original = models.FileField(max_length=200, storage=originals)
    format = models.CharField(max_length=10, help_text="The uploaded file's format: JPEG, PNG, WEBP or GIF.")
    width = models.PositiveIntegerField(help_text="Upright, after the camera's orientation is applied.")
    height = models.PositiveIntegerField()
    alt = models.CharField(
        "alt text", max_length=300,
        help_text="What the picture shows, for readers who cannot see it. Required.",
    )
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=200, blank=True, help_text="Photographer or agency, e.g. Jane Doe/Reuters.")
    # [{"width": 640, "height": 427, "name": "pictures/<sha256>-640.jpg", "bytes": 51234}, ...], narrowest first.
    renditions = models.JSONField(default=list, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~models.Q(alt=""), name="picture_has_alt_text")]

    def __str__(self):
        return self.alt[:80]

    def get_newsroom_url(self):
        return reverse("pictures:picture", args=[self.pk])

    @property
    def srcset(self):
        return ", ".join(f"{default_storage.url(r['name'])} {r['width']}w" for r in self.renditions)

    def rendition(self, width):
        """The narrowest rendition at least `width` pixels wide, else the widest there is."""
        for r in self.renditions:
            if r["width"] >= width:
                return r
        return self.renditions[-1] if self.renditions else None

    def src(self, width):
        r = self.rendition(width)
        return default_storage.url(r["name"]) if r else ""

    def get_original_url(self):
        """The original, for the newsroom only."""
        return reverse("pictures:original", args=[self.pk])

    @property
    def files(self):
        """Every file this picture keeps, as storage names (the original's in storage.originals)."""
        return [self.original.name, *(r["name"] for r in self.renditions)]
