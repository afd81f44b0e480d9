import pytest

from newsdesk.people.models import Person, Topic
from newsdesk.people.services import Mention, mentioned_in

pytestmark = pytest.mark.django_db


def names(mentions):
    return [mention.name for mention in mentions]


def test_finds_a_known_person_in_a_sentence():
    putin = Person.objects.create(name="Vladimir Putin")
    Person.objects.create(name="Put")
    Topic.objects.create(name="Russia")

    found = mentioned_in("Russian President Vladimir Putin has met the delegation.")

    assert found == [Mention("person", putin.pk, "Vladimir Putin")]
    assert found[0].as_dict() == {"kind": "person", "id": putin.pk, "name": "Vladimir Putin"}


def test_matches_whole_words_only_in_any_case():
    Person.objects.create(name="Put")
    Topic.objects.create(name="Art")
    Topic.objects.create(name="Rain")

    assert mentioned_in("Putin puts the artwork in the TRAIN, unputdownable.") == []
    assert names(mentioned_in("PUT it down: ART, not rain!")) == ["Put", "Art", "Rain"]


def test_possessives_and_punctuation_around_names_still_match():
    Person.objects.create(name="Vladimir Putin")

    assert names(mentioned_in("(Vladimir Putin’s speech) — “vladimir putin,” they said.")) == ["Vladimir Putin"]


def test_names_with_regex_characters_match_literally():
    Topic.objects.create(name="C++")
    Topic.objects.create(name="AT&T")
    Topic.objects.create(name="Yahoo!")
    Topic.objects.create(name="(.*)")

    assert names(mentioned_in("AT&T hires C++ developers; Yahoo! does not.")) == ["AT&T", "C++", "Yahoo!"]
    assert mentioned_in("Catty ATT and C developers, anything at all") == []


def test_the_longest_overlapping_name_wins_and_people_and_topics_both_count():
    Topic.objects.create(name="New York")
    times = Topic.objects.create(name="New York Times")
    person = Person.objects.create(name="Mercury")
    planet = Topic.objects.create(name="Mercury")

    found = mentioned_in("The New York Times wrote about Mercury.")

    assert found == [Mention("topic", times.pk, "New York Times"), Mention("person", person.pk, "Mercury"),
                     Mention("topic", planet.pk, "Mercury")]


def test_names_in_other_scripts_match():
    Person.objects.create(name="Владимир Путин")

    assert names(mentioned_in("Президент Владимир Путин заявил…")) == ["Владимир Путин"]


def test_results_are_in_order_of_first_mention_once_each_up_to_the_limit():
    for name in ["Oslo", "Bergen", "Tromsø"]:
        Topic.objects.create(name=name)

    text = "Tromsø, then Oslo, then Tromsø again, then Bergen."
    assert names(mentioned_in(text)) == ["Tromsø", "Oslo", "Bergen"]
    assert names(mentioned_in(text, limit=2)) == ["Tromsø", "Oslo"]


def test_empty_text_asks_nothing(django_assert_num_queries):
    Topic.objects.create(name="Oslo")
    with django_assert_num_queries(0):
        assert mentioned_in("  ") == []


def test_two_thousand_tags_cost_one_query_per_kind(django_assert_num_queries):
    Person.objects.bulk_create(Person(name=f"Person Number {n}", slug=f"person-{n}") for n in range(1000))
    Topic.objects.bulk_create(Topic(name=f"Topic {n}", slug=f"topic-{n}") for n in range(1000))
    text = "A story naming Person Number 999 and Topic 7, and Topic 1000 which is unknown. " * 200

    with django_assert_num_queries(2):
        found = mentioned_in(text)

    assert names(found) == ["Person Number 999", "Topic 7"]
