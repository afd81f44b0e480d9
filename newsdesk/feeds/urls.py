"""Every feed in three formats: under a page's address, `feed/` is RSS 2.0, `feed/atom/` Atom
and `feed.json` JSON Feed 1.1; the whole site's RSS is also at /rss.xml."""

from django.urls import path

from .feeds import PersonFeed, RiverFeed, SectionFeed, StoryFeed, TopicFeed

app_name = "feeds"


def _three(prefix, feed, slug=""):
    return [
        path(f"{prefix}{slug}feed/", feed.view("rss"), name=f"{feed.name}-rss"),
        path(f"{prefix}{slug}feed/atom/", feed.view("atom"), name=f"{feed.name}-atom"),
        path(f"{prefix}{slug}feed.json", feed.view("json"), name=f"{feed.name}-json"),
    ]


urlpatterns = [
    *_three("", StoryFeed),
    path("rss.xml", StoryFeed.view("rss"), name="site-rss-xml"),
    *_three("river/", RiverFeed),
    *_three("sections/", SectionFeed, "<slug:slug>/"),
    *_three("people/", PersonFeed, "<slug:slug>/"),
    *_three("topics/", TopicFeed, "<slug:slug>/"),
]
