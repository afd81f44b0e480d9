"""What each reader page tells search engines and the apps a link is shared in: its canonical
address, an Open Graph and Twitter card, and schema.org data (JSON-LD).

Every function here takes the request (for the site's address when SITE_URL is not set) and
what the page shows, and returns a Card that `cards/_card.html` renders; nothing is queried
that the page has not loaded already.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.text import Truncator

LOGO = {"path": "cards/logo-512.png", "width": 512, "height": 512}
# Shown where a page has no picture of its own: the site's mark on a card of the size
# Open Graph and Twitter recommend.
SHARE_IMAGE = {"path": "cards/share.png", "width": 1200, "height": 630}
# Search engines and share cards want pictures at least this wide: the rendition used.
SHARE_WIDTH = 1200
DESCRIPTION_CHARS = 300

# "By Jane Doe, John Roe and Ann Poe": the names in a byline.
_BYLINE_BY = re.compile(r"^\s*by\s+", re.IGNORECASE)
_BYLINE_SEPARATOR = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.IGNORECASE)


@dataclass
class Image:
    url: str
    width: int
    height: int
    alt: str = ""

    def json_ld(self):
        return {"@type": "ImageObject", "url": self.url, "width": self.width, "height": self.height}


@dataclass
class Card:
    url: str  # canonical and absolute
    title: str
    description: str
    type: str = "website"  # og:type
    image: Image | None = None
    large_image: bool = False  # a picture of the page's own: Twitter's large card
    properties: list = field(default_factory=list)  # (property, value): article:*, profile:*
    data: list = field(default_factory=list)  # JSON-LD objects, one <script> each


def site_root(request):
    """The site's address without a trailing slash: SITE_URL, else the address asked for
    (worked out once a request: a card asks for it a dozen times, and each asks the
    allowed hosts again)."""
    if settings.SITE_URL:
        return settings.SITE_URL
    root = getattr(request, "_site_root", None)
    if root is None:
        root = request._site_root = f"{request.scheme}://{request.get_host()}"
    return root


def absolute(request, url):
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return f"{request.scheme}:{url}"
    return site_root(request) + url


def iso(moment):
    """ISO 8601 with the offset, in the site's time zone: 2025-04-04T11:18:00+03:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def description(text):
    return Truncator(" ".join((text or "").split())).chars(DESCRIPTION_CHARS)


def page_url(request, path, page_obj=None):
    """A listing's canonical address: its path, with the page number past the first page."""
    url = absolute(request, path)
    number = getattr(page_obj, "number", 1)
    return f"{url}?page={number}" if number > 1 else url


def static_image(request, image, alt):
    return Image(absolute(request, static(image["path"])), image["width"], image["height"], alt)


def default_image(request):
    return static_image(request, SHARE_IMAGE, settings.SITE_NAME)


def picture_image(request, picture):
    """A picture's rendition for sharing (SHARE_WIDTH wide, or the widest it has), or None."""
    if picture is None or not picture.renditions:
        return None
    rendition = picture.rendition(SHARE_WIDTH)
    return Image(absolute(request, default_storage.url(rendition["name"])), rendition["width"],
                 rendition["height"], picture.alt)


def organization(request):
    root = site_root(request)
    return {
        "@type": "Organization", "@id": f"{root}/#organization", "name": settings.SITE_NAME, "url": f"{root}/",
        "logo": static_image(request, LOGO, settings.SITE_NAME).json_ld(),
    }


def website(request):
    root = site_root(request)
    return {
        "@context": "https://schema.org", "@type": "WebSite", "@id": f"{root}/#website",
        "name": settings.SITE_NAME, "url": f"{root}/", "description": settings.SITE_DESCRIPTION,
        "inLanguage": settings.LANGUAGE_CODE, "publisher": {"@id": f"{root}/#organization"},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{root}/search/?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }


def breadcrumbs(request, *trail):
    """Home, then each (name, url) of `trail`: where the page sits in the site."""
    steps = [(settings.SITE_NAME, absolute(request, reverse("home"))), *trail]
    return {
        "@context": "https://schema.org", "@type": "BreadcrumbList",
        "itemListElement": [{"@type": "ListItem", "position": n, "name": name, "item": url}
                            for n, (name, url) in enumerate(steps, start=1)],
    }


def byline_names(byline, source=""):
    """The people a byline names; an agency also named as the source is not a person."""
    names = [name.strip() for name in _BYLINE_SEPARATOR.split(_BYLINE_BY.sub("", byline or ""))]
    return [name for name in dict.fromkeys(names) if name and name.casefold() != (source or "").strip().casefold()]


def authors(request, story):
    """Every author: each of the site's authors with their page, each other person of the
    byline, and the wire agency the story came from as an Organization; a story with none
    is the site's own."""
    found = [{"@type": "Person", "name": person.name, "url": absolute(request, person.get_absolute_url())}
             for person in story.authors_in_order()]
    found += [{"@type": "Person", "name": name} for name in byline_names(story.byline, story.source)]
    if story.source:
        found.append({"@type": "Organization", "name": story.source.strip()})
    return found or [organization(request)]


def for_story(request, story):
    url = absolute(request, story.get_absolute_url())
    summary = description(story.summary)
    people, topics = list(story.people.all()), list(story.topics.all())
    own_image = picture_image(request, story.lead_picture)
    image = own_image or default_image(request)
    section = story.section
    modified = story.last_updated or story.published_at
    article = {
        "@context": "https://schema.org", "@type": "NewsArticle", "@id": f"{url}#article",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url, "headline": story.headline, "description": summary,
        "datePublished": iso(story.published_at), "dateModified": iso(modified),
        "inLanguage": story.language or settings.LANGUAGE_CODE,
        "author": authors(request, story), "publisher": organization(request),
        "image": [image.json_ld()], "isAccessibleForFree": True,
        "keywords": [tag.name for tag in (*people, *topics)],
    }
    if story.source:
        article["sourceOrganization"] = {"@type": "Organization", "name": story.source.strip()}
    if section is not None:
        article["articleSection"] = section.name
    if people:
        article["mentions"] = [{"@type": "Person", "name": p.name, "url": absolute(request, p.get_absolute_url())}
                               for p in people]
    trail = [(section.name, absolute(request, section.get_absolute_url()))] if section is not None else []
    properties = [("article:published_time", iso(story.published_at)), ("article:modified_time", iso(modified))]
    if section is not None:
        properties.append(("article:section", section.name))
    properties += [("article:tag", tag.name) for tag in (*people, *topics)]
    return Card(
        url=url, title=story.headline, description=summary, type="article",
        image=image, large_image=own_image is not None, properties=[(k, v) for k, v in properties if v],
        data=[article, breadcrumbs(request, *trail, (story.headline, url))],
    )


def for_person(request, person, page_obj=None):
    url = page_url(request, person.get_absolute_url(), page_obj)
    text = person.description or f"Stories about {person.name} from {settings.SITE_NAME}."
    profile = {
        "@context": "https://schema.org", "@type": "ProfilePage", "url": url, "name": person.name,
        "mainEntity": {"@type": "Person", "@id": absolute(request, person.get_absolute_url()) + "#person",
                       "name": person.name, "url": absolute(request, person.get_absolute_url()),
                       **({"description": person.description} if person.description else {}),
                       **({"jobTitle": person.role} if getattr(person, "role", "") else {})},
    }
    photo = picture_image(request, getattr(person, "photo", None))
    if photo is not None:
        profile["mainEntity"]["image"] = photo.json_ld()
    return Card(url=url, title=person.name, description=description(text), type="profile",
                image=photo or default_image(request), data=[profile, breadcrumbs(request, (person.name, url))])


def for_collection(request, name, path, text, page_obj=None):
    """A listing page (a section, a topic): the stories under one name."""
    url = page_url(request, path, page_obj)
    collection = {
        "@context": "https://schema.org", "@type": "CollectionPage", "url": url, "name": name,
        "description": description(text), "isPartOf": {"@id": f"{site_root(request)}/#website"},
    }
    return Card(url=url, title=name, description=description(text), image=default_image(request),
                data=[collection, breadcrumbs(request, (name, url))])


def for_topic(request, topic, page_obj=None):
    text = topic.description or f"Stories about {topic.name} from {settings.SITE_NAME}."
    return for_collection(request, topic.name, topic.get_absolute_url(), text, page_obj)


def for_section(request, section, page_obj=None):
    text = f"The latest {section.name} stories from {settings.SITE_NAME}."
    return for_collection(request, section.name, section.get_absolute_url(), text, page_obj)


def for_home(request):
    return Card(url=absolute(request, reverse("home")), title=settings.SITE_NAME,
                description=description(settings.SITE_DESCRIPTION), image=default_image(request),
                data=[website(request), {"@context": "https://schema.org", **organization(request)}])


def for_page(request, title=""):
    """Any other reader page: its own address, the site's name and description."""
    return Card(url=absolute(request, escape_uri_path(request.path)), title=title or settings.SITE_NAME,
                description=description(settings.SITE_DESCRIPTION), image=default_image(request))
