"""The sample wire page, imported as a newcomer would, shares as a complete card with the
agency it came from as author and source."""

from datetime import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from newsdesk.stories.models import Story
from newsdesk.testing import need_shared

from .conftest import card_of

SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seed" / "000_4fb814c294a25f07.txt"

pytestmark = pytest.mark.django_db


def test_the_imported_sample_article_has_a_valid_card(client):
    need_shared(SEED, "the sample page")
    call_command("import", str(SEED), "--date", "2025-04-04", stdout=StringIO())
    story = Story.objects.articles().get()
    url = f"http://testserver{story.get_absolute_url()}"

    card = card_of(client.get(story.get_absolute_url()))

    article = card.one("NewsArticle")
    assert article["headline"] == story.headline
    assert article["headline"].endswith("Russian leader says")
    assert article["description"].startswith("Russian President Vladimir Putin has instructed")
    assert article["author"] == [{"@type": "Organization", "name": "Tass"}]
    assert article["sourceOrganization"] == {"@type": "Organization", "name": "Tass"}
    assert article["publisher"]["name"] == "Newsdesk"
    published = datetime.fromisoformat(article["datePublished"])
    assert published.tzinfo is not None and published == story.published_at
    assert article["image"][0]["url"] == "http://testserver/static/cards/share.png"
    assert article["isAccessibleForFree"] is True
    assert article["mainEntityOfPage"]["@id"] == url
    assert card.canonical == [url]
    assert card.og1("og:type") == "article"
    assert card.og1("og:title") == story.headline
    assert card.og1("og:url") == url
    assert card.og1("article:published_time") == article["datePublished"]
    assert card.meta["twitter:card"] == "summary"
