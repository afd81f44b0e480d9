"""A brief's page shows the brief once, under a headline only where the newsroom wrote one."""

import re

import pytest

from newsdesk.conftest import make_brief
from newsdesk.stories import body
from newsdesk.stories.models import Story

pytestmark = pytest.mark.django_db


def article_of(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    return re.search(r'<article class="story story-brief">.*?</article>', html, re.S).group()


def test_a_brief_headlined_with_its_own_opening_shows_its_text_once_as_the_heading(client):
    text = ("Russian President Vladimir Putin held talks with the Armenian Prime Minister in the Kremlin on "
            "Tuesday, where they discussed the transport corridor through the south of the country, the press service "
            "said. Both sides called the talks useful.")
    # As the importers and the breaking brief make it: the first sentence, cut at a word.
    brief = make_brief(text, headline=body.first_sentence(text))
    assert brief.headline.endswith("…")

    article = article_of(client, brief)

    assert article.count("Russian President Vladimir Putin") == 1
    assert f'<h1 class="brief-text">{text}</h1>' in article
    assert "<h1 class=\"headline" not in article


def test_a_brief_with_a_written_headline_shows_it_over_the_text(client):
    brief = make_brief("Traffic is diverted through the town centre until Friday.", headline="Bridge shut")

    article = article_of(client, brief)

    assert '<h1 class="headline headline-brief">Bridge shut</h1>' in article
    assert article.count("Traffic is diverted") == 1


def test_own_headline_is_the_headline_of_every_article():
    story = Story(kind=Story.Kind.ARTICLE, headline="Ferry returns", body="<p>Ferry returns after repairs.</p>")

    assert story.own_headline == "Ferry returns"
