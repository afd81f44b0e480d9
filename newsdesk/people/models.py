from django.db import models
from django.urls import reverse

from newsdesk.slugs import unique_slug


class Tag(models.Model):
    """What people and topics share: a name, a short description, a page."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=220, unique=True, blank=True, help_text="Made from the name when left empty.")
    description = models.CharField(max_length=500, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name, fallback=self.fallback_slug, instance=self)
        super().save(*args, **kwargs)

    @classmethod
    def named(cls, name):
        """The tag of this name, made if new; names match case-insensitively."""
        name = " ".join(name.split())[:200]
        found = cls.objects.filter(name__iexact=name).first()
        return found or cls.objects.create(name=name)


class Person(Tag):
    fallback_slug = "person"

    class Meta(Tag.Meta):
        verbose_name_plural = "people"

    def get_absolute_url(self):
        return reverse("people:person", args=[self.slug])


class Topic(Tag):
    fallback_slug = "topic"

    def get_absolute_url(self):
        return reverse("people:topic", args=[self.slug])
