from django.db import models

from newsdesk.slugs import address, unique_slug


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
        """The tag of this name, made if new; names match case-insensitively. A name the
        newsroom renamed or merged away leads to the tag it became, not to a new duplicate."""
        name = " ".join(name.split())[:200]
        found = cls.objects.filter(name__iexact=name).first() or SlugRedirect.tag_once_named(cls, name)
        return found or cls.objects.create(name=name)


class Person(Tag):
    """Someone stories name, and, if `is_author`, someone who writes them: a byline links
    to their page, which shows their photo, role and bio with their stories."""

    fallback_slug = "person"

    is_author = models.BooleanField(
        "author", default=False, help_text="Writes for the site: can be chosen as a story's author.")
    role = models.CharField(max_length=200, blank=True, help_text="E.g. Moscow correspondent.")
    bio = models.TextField(blank=True, help_text="A few sentences about them, shown on their page.")
    photo = models.ForeignKey("pictures.Picture", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", db_index=False)
    aliases = models.TextField(
        blank=True, help_text="Other names a text may give them, one a line (e.g. President Putin); "
        "a story naming them by one is linked to them as by their name.")

    class Meta(Tag.Meta):
        verbose_name_plural = "people"

    def get_absolute_url(self):
        return address("people:person", self.slug)

    @property
    def alias_list(self):
        return alias_list(self.aliases)


def alias_list(text):
    """Aliases as stored one a line: tidied, each once (case-insensitively), in order."""
    found = {}
    for line in (text or "").splitlines():
        name = " ".join(line.split())[:200]
        if name:
            found.setdefault(name.casefold(), name)
    return list(found.values())


class Topic(Tag):
    fallback_slug = "topic"

    def get_absolute_url(self):
        return address("people:topic", self.slug)


class SlugRedirect(models.Model):
    """A slug a person or topic no longer has, kept so that its old URL still leads there.

    It points at the tag itself, not at its current slug, so one hop is enough however
    often the tag is renamed. A live tag with the same slug wins: views look there first.
    """

    old_slug = models.SlugField(max_length=220)
    old_name = models.CharField(max_length=200, blank=True, db_index=True, help_text="The name it had then.")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="old_slugs")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, topic__isnull=True)
                | models.Q(person__isnull=True, topic__isnull=False),
                name="slug_redirect_one_tag",
            ),
            models.UniqueConstraint(fields=["old_slug"], condition=models.Q(person__isnull=False),
                                    name="slug_redirect_person_unique"),
            models.UniqueConstraint(fields=["old_slug"], condition=models.Q(topic__isnull=False),
                                    name="slug_redirect_topic_unique"),
        ]

    def __str__(self):
        return f"{self.old_slug} → {self.tag}"

    @property
    def tag(self):
        return self.person or self.topic

    @classmethod
    def tag_once_named(cls, model, name):
        """The `model` tag last known as `name` before a rename or merge, or None."""
        field = model._meta.model_name
        moved = (cls.objects.select_related(field).filter(old_name__iexact=name, **{f"{field}__isnull": False})
                 .order_by("-created_at", "-pk").first())
        return moved.tag if moved else None
