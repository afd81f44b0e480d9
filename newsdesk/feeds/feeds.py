"""The feeds: the whole site's, each section's, person's and topic's, and the briefs of the
"Read next" river; each in RSS 2.0, Atom and JSON Feed (formats.py), from one Feed class.

Only what readers may see (published, its time come), newest first, FEED_ITEMS at most. Each
feed tags the page cache with the keys of what it shows, as the reader pages do, so that a
publish, a change or a withdrawal purges it."""

import mimetypes
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape

from newsdesk.live import events
from newsdesk.pagecache.middleware import tag
from newsdesk.people import services as people
from newsdesk.people.models import Person, Topic
from newsdesk.slugs import address
from newsdesk.stories import body
from newsdesk.stories.models import Section, Story, load_tags

from . import formats

# The lead picture's rendition a feed reader is given: wide enough for a large card.
ENCLOSURE_WIDTH = 1280
# A link to a page of this site in a sanitised body (nh3 quotes every attribute with ").
_SITE_LINK = re.compile(r'(<(?:a\s[^>]*?href|img\s[^>]*?src)=")(/(?!/)[^"]*)"')


def authors_of(byline):
    """The names in a by-line: "By Jane Doe, John Roe and Ann Poe" has three."""
    text = " ".join((byline or "").split())
    if text[:3].lower() == "by ":
        text = text[3:]
    for joiner in (" and ", " & ", ";"):
        text = text.replace(joiner, ",")
    return [name.strip() for name in text.split(",") if name.strip()]


class StoryFeed(Feed):
    """What every feed of stories shares. An instance serves one request (see `view`), so
    that item methods can build absolute URLs and tag the page cache."""

    name = "site"  # the URL names are feeds:<name>-<format>

    def __init__(self, fmt, request):
        self.fmt, self.request = fmt, request
        self.feed_type = formats.FORMATS[fmt]
        self.language = settings.LANGUAGE_CODE

    @classmethod
    def view(cls, fmt):
        def feed_view(request, **kwargs):
            return cls(fmt, request)(request, **kwargs)

        feed_view.__name__ = f"{cls.name}_{fmt}"
        return feed_view

    # The feed.

    def stories(self, obj):
        return Story.objects.all()

    def keys(self, obj):
        """The surrogate keys of the pages listing what this feed lists."""
        return [events.ARCHIVE]

    def items(self, obj):
        stories = list(
            self.stories(obj).published().select_related("section", "lead_picture")
            .order_by("-published_at", "-pk")[: settings.FEED_ITEMS]
        )
        load_tags(stories)
        tag(self.request, *self.keys(obj), *(events.story_key(story.pk) for story in stories))
        return stories

    def title(self, obj):
        return settings.SITE_NAME

    def link(self, obj):
        return reverse("home")

    def description(self, obj):
        return settings.SITE_DESCRIPTION

    def author_name(self, obj):
        # Atom wants an author for every entry: the site's stands for stories without a by-line.
        return settings.SITE_NAME

    # Each story.

    def item_title(self, story):
        return story.headline

    def item_description(self, story):
        # RSS and Atom carry the description as HTML: the standfirst is plain text.
        return escape(story.summary)

    def item_guid(self, story):
        """Stable for good: the story's number under this site's host and the day it was first
        written (a tag: URI, RFC 4151), whatever its headline, slug or address becomes."""
        host = urlsplit(f"//{self.request.get_host()}").hostname or "localhost"
        return f"tag:{host},{story.created_at:%Y-%m-%d}:story:{story.pk}"

    def item_guid_is_permalink(self, story):
        return False

    def item_pubdate(self, story):
        return story.published_at

    def item_updateddate(self, story):
        return story.last_updated or story.published_at

    def item_categories(self, story):
        names = [story.section.name] if story.section else []
        names += [person.name for person in story.people.all()]
        names += [topic.name for topic in story.topics.all()]
        return list(dict.fromkeys(names))

    def item_enclosures(self, story):
        picture = story.lead_picture
        rendition = picture.rendition(ENCLOSURE_WIDTH) if picture else None
        if not rendition:
            return []
        url = self.request.build_absolute_uri(default_storage.url(rendition["name"]))
        mime_type = mimetypes.guess_type(rendition["name"])[0] or "image/jpeg"
        return [Enclosure(url, str(rendition["bytes"]), mime_type)]

    def content_html(self, story):
        """The sanitised body, its links to this site made absolute: a feed reader shows it
        away from the site, where "/articles/..." leads nowhere."""
        return _SITE_LINK.sub(lambda m: f'{m[1]}{self.request.build_absolute_uri(m[2])}"', body.clean_html(story.body))

    def item_extra_kwargs(self, story):
        return {
            "content_html": self.content_html(story),
            "authors": [person.name for person in story.authors_in_order()] + authors_of(story.byline),
            "summary_text": story.summary,
            "language": story.lang,
        }


class RiverFeed(StoryFeed):
    """The briefs, as the "Read next" river has them."""

    name = "river"

    def stories(self, obj):
        return Story.objects.briefs()

    def title(self, obj):
        return f"Briefs · {settings.SITE_NAME}"

    def description(self, obj):
        return f"The latest briefs from {settings.SITE_NAME}, as they happen."


class SectionFeed(StoryFeed):
    name = "section"

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def stories(self, section):
        return Story.objects.filter(section=section)

    def keys(self, section):
        return [f"section:{section.pk}"]

    def title(self, section):
        return f"{section.name} · {settings.SITE_NAME}"

    def link(self, section):
        return section.get_absolute_url()

    def description(self, section):
        return f"The latest {section.name} stories from {settings.SITE_NAME}."


class TagFeed(StoryFeed):
    """A person's or a topic's stories. An old slug (renamed or merged) is sent to the feed
    at the tag's address now."""

    model = None

    def __call__(self, request, slug):
        if not self.model.objects.filter(slug=slug).exists():
            moved = people.redirect_for(self.model, slug)
            if moved is None:
                raise Http404(f"No {self.model._meta.verbose_name} at this address.")
            return HttpResponsePermanentRedirect(feed_url(self.name, self.fmt, moved.slug))
        return super().__call__(request, slug=slug)

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def stories(self, tag_):
        return tag_.stories.all()

    def keys(self, tag_):
        return [f"{self.name}:{tag_.pk}"]

    def title(self, tag_):
        return f"{tag_.name} · {settings.SITE_NAME}"

    def link(self, tag_):
        return tag_.get_absolute_url()

    def description(self, tag_):
        return tag_.description or f"Stories about {tag_.name} from {settings.SITE_NAME}."


class PersonFeed(TagFeed):
    """A person's stories: those they wrote and those about them, as their page lists."""

    name, model = "person", Person

    def stories(self, person):
        return Story.objects.by_or_about(person)

    def description(self, person):
        return person.description or f"Stories by and about {person.name} from {settings.SITE_NAME}."


class TopicFeed(TagFeed):
    name, model = "topic", Topic


FEEDS = [StoryFeed, RiverFeed, SectionFeed, PersonFeed, TopicFeed]


def feed_url(name, fmt, slug=None):
    return address(f"feeds:{name}-{fmt}", slug or None)


def links(name, title, slug=None):
    """The <link rel="alternate"> of a feed in each format: (type, title, href)."""
    return [(formats.TYPES[fmt], f"{title} ({formats.LABELS[fmt]})", feed_url(name, fmt, slug)) for fmt in formats.FORMATS]
