"""A preview tells the truth: the time the story will go out (or that it has none yet), its
comments as they will be, its river, people and topics; marked as a preview, never cached or indexed."""

from datetime import timedelta

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from newsdesk.conftest import make_brief
from newsdesk.people.models import Person, Topic
from newsdesk.site.templatetags.dates import when_label
from newsdesk.stories import services
from newsdesk.stories.models import Story

from .conftest import editor_data, logged_in, write_story

pytestmark = pytest.mark.django_db


def preview(client, story, **post):
    url = reverse("newsroom:preview", args=[story.pk])
    page = client.post(url, editor_data(story, **post)) if post else client.get(url)
    assert page.status_code == 200
    return page, page.content.decode()


def directives(response):
    return {part.strip().split("=")[0] for part in response["Cache-Control"].split(",")}


def test_a_draft_is_not_yet_published_and_shows_no_publishing_time(client, reporter, draft):
    logged_in(client, reporter)

    page, html = preview(client, draft)

    assert "Preview — not published yet." in html
    assert "Not yet published" in html
    assert "Published <time" not in html
    assert draft.published_at is None and Story.objects.get(pk=draft.pk).published_at is None


def test_a_scheduled_story_shows_the_time_it_will_go_out(client, editor):
    story = write_story(editor, headline="Festival returns in June")
    at = timezone.now() + timedelta(days=2, hours=3)
    services.publish(story, by=editor, at=at)
    logged_in(client, editor)

    page, html = preview(client, story)

    label = when_label(at)
    assert "Preview — not published yet: it goes out at <time" in html
    assert f">{label}</time>" in html and f"Published <time datetime=\"{timezone.localtime(at):%Y-%m-%dT%H:%M:%S%z}\">{label}</time>" in html


def test_comments_show_as_they_will_be_once_published(client, reporter, draft):
    logged_in(client, reporter)

    page, html = preview(client, draft)  # the site's default: open

    assert "Comments are closed" not in html
    assert 'id="comment-form"' in html and "Comments will be open." in html
    # The form is shown as readers will have it, but a preview takes no comments.
    assert '<fieldset class="comment-fields" disabled>' in html and "A preview takes no comments" in html


def test_a_story_set_to_closed_comments_previews_closed(client, reporter, draft):
    logged_in(client, reporter)

    page, html = preview(client, draft, comments_mode=Story.Comments.CLOSED)

    assert "Comments are closed on this story." in html and "Comments will be closed." in html
    assert 'id="comment-form"' not in html


def test_premoderated_comments_are_said_so(client, reporter, draft):
    logged_in(client, reporter)

    page, html = preview(client, draft, comments_mode=Story.Comments.PREMODERATED)

    assert "Comments will be open, each read by a moderator first." in html


def test_the_preview_shows_the_river_people_and_topics(client, reporter, draft):
    make_brief("The council approved the new ferry budget.")
    Person.named("Ada Lovelace")
    Topic.named("Ferries")
    logged_in(client, reporter)

    page, html = preview(client, draft, people="Ada Lovelace", topics="Ferries")

    assert 'id="river-heading">Read next</h2>' in html and "The council approved the new ferry budget." in html
    assert ">Ada Lovelace</a>" in html and ">Ferries</a>" in html


def test_the_preview_is_never_cached_nor_indexed(client, reporter, draft):
    logged_in(client, reporter)

    for page, html in (preview(client, draft), preview(client, draft, headline="Unsaved")):
        assert {"private", "no-store"} <= directives(page)
        assert page["X-Robots-Tag"] == "noindex"
        assert '<meta name="robots" content="noindex">' in html
        assert 'class="preview-banner" role="status"' in html


def test_a_published_story_previews_its_unsaved_changes_with_its_real_time(client, editor):
    story = write_story(editor)
    published_at = timezone.now() - timedelta(hours=1)
    services.publish(story, by=editor, at=published_at)
    story.refresh_from_db()
    logged_in(client, editor)

    page, html = preview(client, story, headline="A better headline")

    assert "Preview — your unsaved changes: readers still see the saved version." in html
    assert f">{when_label(story.published_at)}</time>" in html
    # The live page still has its saved headline, and a comment form readers can use.
    live = client.get(story.get_absolute_url()).content.decode()
    assert "A better headline" not in live and "<fieldset class=\"comment-fields\">" in live


def test_a_brief_without_a_headline_of_its_own_previews_its_text_once(client, editor):
    brief = write_story(editor, kind=Story.Kind.BRIEF, headline="Bridge shut after a crash.",
                        body="<p>Bridge shut after a crash. Traffic is diverted.</p>")
    logged_in(client, editor)

    page, html = preview(client, brief)

    article = re.search(r"<article class=\"story story-brief\">.*?</article>", html, re.S).group()
    assert article.count("Bridge shut after a crash.") == 1
    assert '<h1 class="brief-text">Bridge shut after a crash. Traffic is diverted.</h1>' in article
