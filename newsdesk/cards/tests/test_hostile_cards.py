"""Hostile text in every field a card shows stays text: inside the JSON-LD strings (no
`</script>` break-out), inside the meta tags' attributes, and nothing of it runs."""

import json

import lxml.html
import pytest

from newsdesk.cards.templatetags.cards import json_ld
from newsdesk.conftest import make_article
from newsdesk.hostile import payloads
from newsdesk.hostile.markup import live_markup
from newsdesk.people.models import Person, Topic
from newsdesk.pictures.models import Picture
from newsdesk.stories.models import Section

from .conftest import card_of, make_picture

pytestmark = pytest.mark.django_db

BREAKOUT = "</script><script>alert(1)</script>"


def scripts_of(html):
    """Every <script> element as a browser builds them: (type, src, text)."""
    return [(s.get("type"), s.get("src"), s.text or "") for s in lxml.html.fromstring(html).iter("script")]


def test_a_script_breakout_in_the_headline_stays_inside_the_json_ld(client):
    story = make_article(headline=BREAKOUT, standfirst=f"Standfirst {BREAKOUT}", byline=f"Jane {BREAKOUT}",
                         section=Section.objects.create(name=f"World {BREAKOUT}"))

    response = client.get(story.get_absolute_url())

    html = response.content.decode()
    assert BREAKOUT not in html
    assert live_markup(html) == []
    # Only our own: the two data blocks, and the site's script files, which have no text.
    scripts = scripts_of(html)
    assert [kind for kind, _, _ in scripts if kind] == ["application/ld+json", "application/ld+json"]
    assert all(src.startswith("/static/") and not text.strip() for kind, src, text in scripts if not kind)
    card = card_of(response)
    article = card.one("NewsArticle")
    assert article["headline"] == BREAKOUT
    assert article["description"] == f"Standfirst {BREAKOUT}"
    assert article["articleSection"] == f"World {BREAKOUT}"
    assert {"@type": "Person", "name": f"Jane {BREAKOUT}"} in article["author"]
    assert card.og1("og:title") == BREAKOUT
    assert card.meta["twitter:title"] == BREAKOUT


def test_json_ld_escapes_what_could_end_a_script_and_reads_back_the_same():
    data = {"headline": "</script><!-- & <script>", "line": "a\u2028b"}

    text = json_ld(data)

    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == data


def sample():
    """Payloads from the hostile corpus that UTF-8 can carry (a page is UTF-8)."""
    chosen = payloads.sample(payloads.everything(), 40, salt="cards")
    return [p for p in chosen if _encodable(p)]


def _encodable(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def test_hostile_payloads_in_every_field_stay_text_on_every_card(client):
    picture = make_picture(size=(400, 300))
    failures = []
    for n, payload in enumerate(sample()):
        Picture.objects.filter(pk=picture.pk).update(alt=payload)
        person = Person.objects.create(name=f"{payload} {n}"[-200:], description=payload[:500])
        topic = Topic.objects.create(name=f"{payload} {n}"[-200:], description=payload[:500])
        section = Section.objects.create(name=f"{payload} {n}"[-100:])
        story = make_article(headline=payload, standfirst=payload, byline=payload, source=payload, section=section,
                             people=[person], topics=[topic], lead_picture=picture)
        for url in (story.get_absolute_url(), person.get_absolute_url(), topic.get_absolute_url(),
                    section.get_absolute_url(), "/"):
            response = client.get(url)
            if response.status_code != 200:
                failures.append(f"{url}: {response.status_code} for {payload!r}")
                continue
            html = response.content.decode()
            live = live_markup(html)
            if live:
                failures.append(f"{url}: {', '.join(live[:3])} for {payload!r}")
            blocks = [text for kind, _, text in scripts_of(html) if kind == "application/ld+json"]
            if len(blocks) < 2:
                failures.append(f"{url}: {len(blocks)} JSON-LD blocks for {payload!r}")
            data = [json.loads(text) for text in blocks]
            if url == story.get_absolute_url():
                article = next(d for d in data if d["@type"] == "NewsArticle")
                if article["headline"] != payload or article["sourceOrganization"]["name"] != payload.strip():
                    failures.append(f"{url}: headline or source changed for {payload!r}")
            if url == person.get_absolute_url():
                profile = next(d for d in data if d["@type"] == "ProfilePage")
                if profile["mainEntity"]["name"] != person.name:
                    failures.append(f"{url}: name changed for {payload!r}")
    assert failures == []


def test_the_markup_check_lets_data_blocks_be_but_not_a_script_after_one():
    data = '<head><script type="application/ld+json">{"headline": "x"}</script></head>'
    assert live_markup(data) == []
    assert live_markup(data.replace("</head>", "<script>alert(1)</script></head>")) != []
    assert live_markup('<script type="application/ld+json" src="https://evil.example/x.js"></script>') != []
