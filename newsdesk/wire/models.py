"""The wire desk's records: channels that bring agency copy in, the items in the queue with
every version received, the stories built on them and the alerts an agency's later versions
raise on those stories."""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from newsdesk.imports.items import version_key


class Channel(models.Model):
    """Where agency copy comes from: a folder the agency drops files into, or a URL to poll
    (ninjs, NewsML-G2, or a partner's RSS/Atom feed)."""

    class Kind(models.TextChoices):
        FOLDER = "folder", "Folder"
        URL = "url", "URL (ninjs or NewsML-G2)"
        FEED = "feed", "RSS or Atom feed"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FOLDER)
    path = models.CharField("folder", max_length=500, blank=True,
                            help_text="For a folder channel: where the agency drops its files.")
    url = models.URLField(max_length=500, blank=True, help_text="For a URL or feed channel.")
    interval = models.PositiveIntegerField("poll every (seconds)", default=60)
    timeout = models.PositiveIntegerField("timeout (seconds)", default=10)
    max_bytes = models.PositiveIntegerField("size limit (bytes)", default=10 * 1024 * 1024)
    credentials_env = models.CharField(
        "credentials from environment variable", max_length=100, blank=True,
        help_text="The name of an environment variable holding user:password or a bearer token "
                  "(\"Bearer ...\"); the value is never shown.")
    time_zone = models.CharField(max_length=60, blank=True,
                                 help_text="For times the agency sends without an offset; the site's when empty.")
    lenient_agencies = models.CharField(
        max_length=300, blank=True,
        help_text="Agencies whose own additions to ninjs are let through with a note (comma-separated, * for any).")
    withdraw_on_cancel = models.BooleanField(
        "withdraw published stories on a kill", default=False,
        help_text="When the agency cancels or withholds an item, withdraw the published stories built on it "
                  "at once, with a public note (otherwise an editor is alerted and decides).")
    paused = models.BooleanField(default=False)
    # What a URL channel was last answered with, for a conditional request.
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    # One process at a time runs a channel: it holds the lease until lease_until.
    lease_owner = models.CharField(max_length=100, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    next_run_at = models.DateTimeField(null=True, blank=True, editable=False)
    failures = models.PositiveIntegerField(default=0, editable=False)  # in a row: the backoff grows
    last_run_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_ok_at = models.DateTimeField(null=True, blank=True, editable=False)
    counts = models.JSONField(default=dict, editable=False)  # {"created": n, "updated": n, ...}
    envelope_note = models.TextField(blank=True, editable=False)  # the last envelope fault of a valid message

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("wire:channel", args=[self.pk])

    @property
    def lenient(self):
        return tuple(a.strip() for a in self.lenient_agencies.split(",") if a.strip())

    @property
    def tzinfo(self):
        import zoneinfo

        try:
            return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class ChannelError(models.Model):
    """A run that failed (a folder missing, a server away): the channel's page shows the last ones."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="errors")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField()

    class Meta:
        ordering = ["-at", "-pk"]


class RefusedDocument(models.Model):
    """A file or document a channel (or `wire ingest`) refused: why, and its text as received."""

    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.CASCADE, related_name="refused")
    file = models.CharField(max_length=500)
    reason = models.TextField()
    raw = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]


class ItemQuerySet(models.QuerySet):
    def current(self, now=None):
        """What the desk shows: not expired (items taken never expire)."""
        now = now or timezone.now()
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class WireItem(models.Model):
    """One piece of agency copy, as its latest version says; every version is kept (WireVersion)."""

    class Status(models.TextChoices):
        USABLE = "usable", "Usable"
        WITHHELD = "withheld", "Withheld"
        CANCELED = "canceled", "Canceled"

    guid = models.CharField(max_length=500, unique=True)  # "ninjs:<uri>", "newsml:<guid>"
    alt_ids = models.JSONField(default=dict, blank=True)  # e.g. AP's {"itemid": ...}
    alt_id = models.CharField(max_length=200, blank=True, db_index=True)  # AP's itemid: the same story, any uri
    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    agency = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=50, blank=True)
    version = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.USABLE)
    embargoed = models.DateTimeField(null=True, blank=True)
    urgency = models.PositiveSmallIntegerField(null=True, blank=True)
    subjects = models.JSONField(default=list, blank=True)  # [code, name] pairs
    subject_text = models.TextField(blank=True)  # codes and names, for the desk's filter
    people = models.JSONField(default=list, blank=True)  # names, as the agency gives them
    topics = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=35, blank=True)
    headline = models.CharField(max_length=500, blank=True)
    slugline = models.CharField(max_length=300, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    dateline = models.CharField(max_length=300, blank=True)
    body_html = models.TextField(blank=True)
    ed_note = models.TextField(blank=True)
    notes = models.JSONField(default=list, blank=True)
    signals = models.JSONField(default=list, blank=True)
    version_created = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)  # the last version received
    expires_at = models.DateTimeField(null=True, blank=True)  # none once taken
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    taken_story = models.ForeignKey("stories.Story", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    taken_at = models.DateTimeField(null=True, blank=True)
    # What the routing rules decided (rules.py): a story taken from the item gets them.
    section = models.ForeignKey("stories.Section", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    added_people = models.ManyToManyField("people.Person", blank=True, related_name="+")
    added_topics = models.ManyToManyField("people.Topic", blank=True, related_name="+")
    priority = models.BooleanField(default=False)
    rules_applied = models.JSONField(default=list, blank=True)  # the names of the rules that matched
    # Items about the same event share a group (grouping.py): the id of the group's first item.
    group_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    group_score = models.FloatField(null=True, blank=True)  # the similarity that put it in the group
    terms = models.JSONField(default=list, blank=True)  # the words the similarity is measured on

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["-updated_at", "-id"], name="wire_queue")]

    def __str__(self):
        return self.headline or self.guid

    def get_absolute_url(self):
        return reverse("wire:item", args=[self.pk])

    @property
    def version_key(self):
        return version_key(self.version)

    @property
    def under_embargo(self):
        return self.embargoed is not None and self.embargoed > timezone.now()

    @property
    def stands_out(self):
        return self.status != self.Status.USABLE


def expiry(now=None):
    return (now or timezone.now()) + datetime.timedelta(days=settings.WIRE_EXPIRE_DAYS)


class WireVersion(models.Model):
    """A version of an item as received, with the document itself."""

    item = models.ForeignKey(WireItem, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=10, choices=WireItem.Status.choices, default=WireItem.Status.USABLE)
    headline = models.CharField(max_length=500, blank=True)
    body_html = models.TextField(blank=True)
    file = models.CharField(max_length=500, blank=True)
    raw = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.item} (version {self.version or '?'})"


class StoryLink(models.Model):
    """A story built on a wire item: from which version, by whom, and the last version it has."""

    story = models.OneToOneField("stories.Story", on_delete=models.CASCADE, related_name="wire_link")
    item = models.ForeignKey(WireItem, on_delete=models.CASCADE, related_name="links")
    version = models.ForeignKey(WireVersion, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)


class Alert(models.Model):
    """What a newer version, a cancel or a withhold of an item means for a story built on it,
    until an editor applies, dismisses or acts on it."""

    class Kind(models.TextChoices):
        UPDATE = "update", "New version"
        CANCELED = "canceled", "Canceled by the agency"
        WITHHELD = "withheld", "Withheld by the agency"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        APPLIED = "applied", "Applied"
        DISMISSED = "dismissed", "Dismissed"
        WITHDRAWN = "withdrawn", "Story withdrawn"

    link = models.ForeignKey(StoryLink, on_delete=models.CASCADE, related_name="alerts")
    version = models.ForeignKey(WireVersion, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    seen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    @property
    def urgent(self):
        return self.kind != self.Kind.UPDATE


class Band(models.Model):
    """One MinHash band of an item's words (grouping.py): items sharing a band are candidates
    for the same event, so ingest looks up a few keys instead of reading the queue."""

    # No constraint in the database: bands are written only by grouping, with the ids of items
    # just written or being placed, and go with their item (the ORM's cascade). Checking 20
    # rows an item against the queue cost more at each ingest commit than writing them.
    item = models.ForeignKey(WireItem, on_delete=models.CASCADE, related_name="bands", db_constraint=False)
    key = models.BigIntegerField()
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="wire_band_key")]


class Rule(models.Model):
    """A routing rule, applied in order to each item (and each new version) as it comes in:
    when every condition given holds, its actions are taken; one that says stop ends the list."""

    class Words(models.TextChoices):
        ALL = "all", "all of the words"
        ANY = "any", "any of the words"

    class Where(models.TextChoices):
        EITHER = "either", "headline or body"
        HEADLINE = "headline", "headline"
        BODY = "body", "body"

    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    enabled = models.BooleanField(default=True)
    # Conditions: only those given count, all of them must hold.
    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    agency = models.CharField(max_length=200, blank=True, help_text="As the item names it, e.g. TASS.")
    urgency = models.PositiveSmallIntegerField(
        "urgency at most", null=True, blank=True, help_text="1 (flash) to 9: items this urgent or more.")
    subject = models.CharField(max_length=200, blank=True,
                               help_text="A subject code or name the item carries, e.g. medtop:11000000 or politics.")
    language = models.CharField(max_length=35, blank=True, help_text="e.g. en (also matches en-GB).")
    words = models.CharField(max_length=500, blank=True, help_text="Words separated by spaces or commas.")
    words_match = models.CharField(max_length=3, choices=Words.choices, default=Words.ALL)
    words_in = models.CharField(max_length=8, choices=Where.choices, default=Where.EITHER)
    # Actions.
    section = models.ForeignKey("stories.Section", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name="set section")
    people = models.ManyToManyField("people.Person", blank=True, related_name="+", verbose_name="add people")
    topics = models.ManyToManyField("people.Topic", blank=True, related_name="+", verbose_name="add topics")
    priority = models.BooleanField("mark as priority", default=False,
                                   help_text="Highlighted on the desk, with a short sound when it arrives.")
    publish = models.BooleanField("take as brief and publish", default=False,
                                  help_text="Published at once as a brief, in the name of the rule's author.")
    stop = models.BooleanField("stop", default=False, help_text="No later rule is applied to a matching item.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", editable=False)
    matched = models.PositiveIntegerField(default=0, editable=False)
    last_matched_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("wire:rule-edit", args=[self.pk])
