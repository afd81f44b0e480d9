"""Routing rules: editors set them in order in the newsroom; each item and each new version
goes through them as it comes in; each condition and action does what the editor asked, the
first matching rule that says stop ends the list, and a rule counts what it matched."""

import datetime
import json

import pytest
from django.utils import timezone

from newsdesk.imports.formats import read_agency_bytes
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section, Story
from newsdesk.wire import ingest
from newsdesk.wire.models import Channel, Rule, WireItem

from .conftest import ninjs

pytestmark = pytest.mark.django_db


def put(doc, channel=None):
    (data,) = read_agency_bytes("item.json", json.dumps(doc).encode())
    return ingest.store(data, file="item.json", channel=channel).item


def rule(name="Rule", position=None, **fields):
    people, topics = fields.pop("people", []), fields.pop("topics", [])
    fields.setdefault("priority", True)
    made = Rule.objects.create(name=name, position=position if position is not None else Rule.objects.count() + 1,
                               **fields)
    made.people.set(people)
    made.topics.set(topics)
    return made


def routed(doc, channel=None):
    return WireItem.objects.get(pk=put(doc, channel).pk)


@pytest.mark.parametrize("condition, matching, other", [
    ({"agency": "tass"}, {}, {"copyrightholder": "Reuters"}),
    ({"urgency": 2}, {"urgency": 1}, {"urgency": 3}),
    ({"subject": "politics"}, {}, {"subject": [{"code": "medtop:15000000", "name": "sport"}]}),
    ({"language": "en"}, {"language": "en-GB"}, {"language": "de"}),
    ({"words": "kremlin, talks"}, {}, {"headline": "Kremlin is silent", "body_html": "<p>No comment.</p>"}),
    ({"words": "kremlin ceasefire", "words_match": "any"}, {}, {"headline": "Markets rise", "body_html": "<p>Up.</p>"}),
    ({"words": "peskov", "words_in": "body"}, {}, {"body_html": "<p>A spokesman spoke.</p>"}),
    ({"words": "peskov", "words_in": "headline"}, {"headline": "Peskov: talks go on"}, {}),
    ({"words": "war"}, {"headline": "War talk"}, {"headline": "An award for talks"}),
])
def test_each_condition_picks_the_items_it_names(condition, matching, other):
    rule(**condition)
    assert routed(ninjs(uri="urn:yes", **matching)).priority is True
    assert routed(ninjs(uri="urn:no", **other)).priority is False
    assert Rule.objects.get().matched == 1


def test_the_channel_condition(tmp_path):
    tass = Channel.objects.create(name="TASS", path=str(tmp_path))
    other = Channel.objects.create(name="Other", path=str(tmp_path))
    rule(channel=tass)
    assert routed(ninjs(uri="urn:a"), channel=tass).priority
    assert not routed(ninjs(uri="urn:b"), channel=other).priority
    assert not routed(ninjs(uri="urn:c")).priority


def test_actions_set_the_section_and_people_and_topics_that_a_taken_story_gets(editor):
    politics = Section.objects.create(name="Politics")
    peskov, kremlin = Person.objects.create(name="Dmitry Peskov"), Topic.objects.create(name="Kremlin")
    rule(agency="TASS", section=politics, people=[peskov], topics=[kremlin], priority=False)
    item = routed(ninjs(body_html="<p>The talks go on, a spokesman said.</p>"))
    assert item.section == politics and not item.priority
    assert list(item.added_people.all()) == [peskov] and list(item.added_topics.all()) == [kremlin]
    assert item.rules_applied == ["Rule"]

    from newsdesk.wire import taking

    story = taking.take(item, by=editor)
    assert story.section == politics
    assert list(story.people.all()) == [peskov] and list(story.topics.all()) == [kremlin]


def test_rules_go_in_order_and_the_first_that_says_stop_ends_the_list():
    first, second = Section.objects.create(name="World"), Section.objects.create(name="Russia")
    rule("Everything from TASS", agency="TASS", section=first, priority=False)
    rule("Kremlin", words="kremlin", section=second, priority=False, stop=True)
    rule("Never reached", agency="TASS", priority=True)
    item = routed(ninjs())
    assert item.section == second  # the later rule's section wins
    assert item.rules_applied == ["Everything from TASS", "Kremlin"]
    assert not item.priority
    assert [r.matched for r in Rule.objects.order_by("position")] == [1, 1, 0]
    # without the kremlin rule's match, the list runs on to the last
    item = routed(ninjs(uri="urn:other", headline="Talks will go on", body_html="<p>Talks.</p>"))
    assert item.rules_applied == ["Everything from TASS", "Never reached"] and item.priority


def test_a_disabled_rule_does_nothing():
    rule(enabled=False)
    assert not routed(ninjs()).priority
    assert Rule.objects.get().matched == 0


def test_a_new_version_goes_through_the_rules_too():
    rule(words="ceasefire")
    assert not routed(ninjs(version="1")).priority
    item = routed(ninjs(version="2", headline="Kremlin agrees a ceasefire"))
    assert item.priority and Rule.objects.get().matched == 1


def test_publish_takes_the_item_as_a_brief_and_publishes_it_through_the_story_service(editor):
    rule(urgency=1, publish=True, author=editor)
    quiet = routed(ninjs(uri="urn:quiet"))
    assert quiet.taken_at is None and not Story.objects.exists()  # off unless a rule says so
    flash = routed(ninjs(uri="urn:flash", urgency=1, headline="Kremlin: talks collapse"))
    story = Story.objects.get()
    assert story.kind == Story.Kind.BRIEF and story.status == Story.Status.PUBLISHED
    assert flash.taken_story == story and flash.taken_by == editor
    assert story.revisions.exists()  # kept a revision like any story change
    from newsdesk.audit.models import Entry

    assert Entry.objects.filter(action="publish").exists()


def test_publish_holds_back_an_embargoed_item_or_one_whose_rule_author_cannot_publish(editor, reporter):
    later = (timezone.now() + datetime.timedelta(hours=3)).isoformat()
    rule(publish=True, author=editor)
    item = routed(ninjs(uri="urn:embargo", embargoed=later))
    assert not Story.objects.filter(status=Story.Status.PUBLISHED).exists()
    assert any("embargo" in note for note in item.notes)
    Rule.objects.update(author=reporter)
    item = routed(ninjs(uri="urn:reporter"))
    assert any("may not publish" in note for note in item.notes)
    assert not Story.objects.exists()


def test_editors_manage_rules_in_order_and_see_what_each_matched(client, editor, reporter):
    client.force_login(reporter)
    assert client.get("/newsroom/wire/rules/").status_code == 403
    client.force_login(editor)
    response = client.post("/newsroom/wire/rules/new/", {"name": "Nothing to do", "words_match": "all",
                                                        "words_in": "either"})
    assert response.status_code == 400 and "Give the rule something to do" in response.content.decode()
    response = client.post("/newsroom/wire/rules/new/", {"name": "Bad urgency", "urgency": "12", "priority": "on",
                                                        "words_match": "all", "words_in": "either"})
    assert response.status_code == 400 and "1 (flash) to 9" in response.content.decode()
    for name, words in (("Kremlin", "kremlin"), ("Flash", "flash")):
        response = client.post("/newsroom/wire/rules/new/", {
            "name": name, "enabled": "on", "words": words, "words_match": "all", "words_in": "either",
            "priority": "on"})
        assert response.status_code == 302
    assert Rule.objects.get(name="Kremlin").author == editor
    put(ninjs())
    page = client.get("/newsroom/wire/rules/").content.decode()
    assert page.index("Kremlin") < page.index("Flash")
    assert "1 item," in page and "0 items" in page
    flash = Rule.objects.get(name="Flash")
    assert client.post(f"/newsroom/wire/rules/{flash.pk}/up/").status_code == 302
    page = client.get("/newsroom/wire/rules/").content.decode()
    assert page.index("Flash") < page.index("Kremlin")
    assert client.post(f"/newsroom/wire/rules/{flash.pk}/sideways/").status_code == 404
    assert client.post(f"/newsroom/wire/rules/{flash.pk}/delete/").status_code == 302
    assert not Rule.objects.filter(name="Flash").exists()


def test_a_priority_item_stands_out_on_the_desk(editor_client):
    rule(agency="TASS")
    put(ninjs())
    page = editor_client.get("/newsroom/wire/").content.decode()
    assert "wire-priority" in page and "data-priority" in page and ">Priority<" in page
