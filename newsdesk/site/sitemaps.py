"""The XML sitemaps search engines read: an index of the story, section, person and topic
sitemaps (each in pages of `limit` addresses, as Django's sitemap framework pages them), and
a Google News sitemap of the last two days' stories. Only what readers may see is listed."""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as contrib
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from newsdesk.live import events
from newsdesk.pagecache.middleware import tag
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section, Story

# Google News reads stories of the last two days, at most 1,000 of them.
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000


def changed_at(prefix=""):
    """When a story last changed for readers: published, or updated since (whichever is later)."""
    return Greatest(f"{prefix}published_at", Coalesce(f"{prefix}updated_at", f"{prefix}published_at"))


def _whole_seconds(moment):
    # Sitemaps give times to the second: microseconds only make the files longer.
    return moment.replace(microsecond=0) if moment else None


class StorySitemap(Sitemap):
    limit = 5000

    def items(self):
        return (Story.objects.published().annotate(changed=changed_at())
                .only("slug", "kind", "published_at", "updated_at").order_by("-published_at", "-pk"))

    def lastmod(self, story):
        return _whole_seconds(story.changed)

    def get_latest_lastmod(self):
        # One aggregate, where the framework's default would read every story.
        return _whole_seconds(Story.objects.published().aggregate(latest=Max(changed_at()))["latest"])


class _ListingSitemap(Sitemap):
    """Pages that list stories (a section's, a person's, a topic's): changed when the newest
    change among their published stories happened."""

    limit = 5000
    model = None
    story_field = None  # the Story field that links them
    only_with_stories = True  # a person or topic with no published story has an empty page

    def items(self):
        now = timezone.now()
        published = Q(stories__status=Story.Status.PUBLISHED, stories__published_at__lte=now)
        rows = self.model.objects.annotate(changed=Max(changed_at("stories__"), filter=published))
        if self.only_with_stories:
            rows = rows.filter(Exists(Story.objects.published(now).filter(**{self.story_field: OuterRef("pk")})))
        return rows.only("slug").order_by(*self.model._meta.ordering, "pk")

    def lastmod(self, item):
        return _whole_seconds(item.changed)

    def get_latest_lastmod(self):
        found = Story.objects.published().filter(**{f"{self.story_field}__isnull": False})
        return _whole_seconds(found.aggregate(latest=Max(changed_at()))["latest"])


class SectionSitemap(_ListingSitemap):
    model, story_field = Section, "section"
    only_with_stories = False  # every section is in the site's navigation, empty or not


class PersonSitemap(_ListingSitemap):
    model, story_field = Person, "people"


class TopicSitemap(_ListingSitemap):
    model, story_field = Topic, "topics"


class NewsSitemap(Sitemap):
    """Google News: the stories published in the last two days, newest first."""

    limit = NEWS_LIMIT

    def items(self):
        now = timezone.now()
        stories = list(Story.objects.published(now).filter(published_at__gte=now - NEWS_WINDOW)
                       .annotate(changed=changed_at())
                       .only("slug", "kind", "headline", "language", "published_at", "updated_at")
                       .order_by("-published_at", "-pk")[:NEWS_LIMIT])
        for story in stories:
            story.news_language = news_language(story.language)
            story.news_published = _whole_seconds(story.published_at)
        return stories

    def lastmod(self, story):
        return _whole_seconds(story.changed)


SITEMAPS = {"stories": StorySitemap, "sections": SectionSitemap, "people": PersonSitemap, "topics": TopicSitemap}


def news_language(tag):
    """The language as Google News wants it: ISO 639 (en, de, nb), but zh-cn and zh-tw for Chinese."""
    parts = (tag or "").strip().lower().replace("_", "-").split("-")
    if not re.fullmatch(r"[a-z]{2,3}", parts[0]):
        parts = settings.LANGUAGE_CODE.lower().replace("_", "-").split("-")
    if parts[0] == "zh":
        return "zh-tw" if any(part in ("tw", "hk", "mo", "hant") for part in parts[1:]) else "zh-cn"
    return parts[0]


def _tagged(request):
    # Every public story change records ARCHIVE; renames and merges of people and topics
    # record RIVER; sections changed in the admin purge every page ("site").
    tag(request, events.ARCHIVE, events.RIVER)


def index(request):
    _tagged(request)
    return contrib.index(request, SITEMAPS, template_name="sitemaps/index.xml", sitemap_url_name="sitemap-section")


def section(request, section):
    _tagged(request)
    return contrib.sitemap(request, SITEMAPS, section=section, template_name="sitemaps/urlset.xml")


def news(request):
    _tagged(request)
    return contrib.sitemap(request, {"news": NewsSitemap}, template_name="sitemaps/news.xml")
