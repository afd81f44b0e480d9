"""A person added in the newsroom, or given a new alias, is linked to the stories already
written that name them (but those an editor unlinked them from)."""

import pytest

from newsdesk.audit.models import Entry
from newsdesk.conftest import make_article, make_brief, make_member
from newsdesk.live.models import Event
from newsdesk.people import services as people
from newsdesk.people.models import Person
from newsdesk.stories import services
from newsdesk.stories.models import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return make_member("edna", "Editor")


def test_a_new_person_is_linked_to_the_stories_that_already_name_them(editor):
    brief = make_brief("Keir Starmer will host a virtual meeting today.")
    article = make_article(headline="Coalition talks", body="<p>The prime minister, keir starmer, spoke.</p>")
    other = make_article(headline="Starmerton fair opens", body="<p>Keir Starmerton is not him.</p>")

    starmer = people.create(Person, "Keir Starmer", by=editor)

    assert set(starmer.stories.all()) == {brief, article}
    assert not other.people.exists()
    assert Entry.objects.filter(action="link-person", note="linked to 2 stories naming them").exists()
    assert Event.objects.filter(story_id=brief.pk).exists()  # its page and the river are purged


def test_a_new_alias_links_the_stories_naming_them_by_it_but_not_where_an_editor_unlinked_them(editor):
    putin = Person.objects.create(name="Vladimir Putin")
    named = make_brief("President Putin met the envoy on Friday.")
    story = services.save(Story(headline="Kremlin", body="<p>Vladimir Putin and President Putin.</p>"), by=editor)
    services.save(story, by=editor, people=[], people_shown=[putin])  # unlinked by the editor
    assert not story.people.exists()

    people.describe_person(putin, is_author=False, role="", bio="", aliases=["President Putin"], photo=None, by=editor)

    assert list(named.people.all()) == [putin]
    assert not story.people.exists()
