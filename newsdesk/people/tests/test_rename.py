import pytest

from newsdesk.audit.models import Entry
from newsdesk.conftest import make_article
from newsdesk.people import services
from newsdesk.people.models import Person, SlugRedirect, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("edna", "edna@newsroom.example", "a long passphrase 42")


def test_rename_gives_a_new_slug_and_the_old_url_answers_301(client, editor):
    putin = Person.objects.create(name="Vladimir Putin")
    make_article(headline="Kremlin speaks", people=[putin])

    services.rename(putin, "Vladimir Vladimirovich Putin", by=editor)

    assert putin.slug == "vladimir-vladimirovich-putin"
    old = client.get("/people/vladimir-putin/")
    assert old.status_code == 301 and old["Location"] == "/people/vladimir-vladimirovich-putin/"
    assert b"Kremlin speaks" in client.get(old["Location"]).content


def test_rename_keeps_every_old_url_through_several_renames(client, editor):
    space = Topic.objects.create(name="Space")
    for name in ["Space travel", "Spaceflight", "Space exploration"]:
        services.rename(space, name, by=editor)

    for old in ["space", "space-travel", "spaceflight"]:
        page = client.get(f"/topics/{old}/")
        assert (page.status_code, page["Location"]) == (301, "/topics/space-exploration/"), old
    assert client.get("/topics/space-exploration/").status_code == 200


def test_redirect_keeps_the_page_number(client, editor):
    space = Topic.objects.create(name="Space")
    services.rename(space, "Spaceflight", by=editor)

    assert client.get("/topics/space/?page=2")["Location"] == "/topics/spaceflight/?page=2"


def test_renaming_back_takes_the_old_slug_again_without_a_loop(client, editor):
    putin = Person.objects.create(name="Vladimir Putin")
    services.rename(putin, "V. Putin", by=editor)
    services.rename(putin, "Vladimir Putin", by=editor)

    assert putin.slug == "vladimir-putin"
    assert client.get("/people/vladimir-putin/").status_code == 200
    assert client.get("/people/v-putin/")["Location"] == "/people/vladimir-putin/"
    assert list(putin.old_slugs.values_list("old_slug", flat=True)) == ["v-putin"]


def test_a_new_person_who_takes_an_old_slug_wins_over_the_redirect(client, editor):
    first = Person.objects.create(name="John Smith")
    services.rename(first, "John A. Smith", by=editor)

    second = Person.objects.create(name="John Smith")
    assert second.slug == "john-smith"
    assert client.get("/people/john-smith/").status_code == 200

    # ...and when the newcomer moves on too, the old slug follows the newcomer.
    services.rename(second, "John B. Smith", by=editor)
    assert client.get("/people/john-smith/")["Location"] == "/people/john-b-smith/"


def test_people_and_topics_keep_separate_old_slugs(client, editor):
    person = Person.objects.create(name="Mercury")
    Topic.objects.create(name="Mercury")
    services.rename(person, "Freddie Mercury", by=editor)

    assert client.get("/people/mercury/")["Location"] == "/people/freddie-mercury/"
    assert client.get("/topics/mercury/").status_code == 200


def test_rename_to_another_persons_name_is_refused(editor):
    Person.objects.create(name="Vladimir Putin")
    other = Person.objects.create(name="V. Putin")

    with pytest.raises(services.TagError, match="already a person called “Vladimir Putin”; merge"):
        services.rename(other, "vladimir putin", by=editor)
    assert not SlugRedirect.objects.exists()


def test_rename_to_an_empty_name_is_refused(editor):
    with pytest.raises(services.TagError, match="A name is needed"):
        services.rename(Person.objects.create(name="Ada"), "   ", by=editor)


def test_a_change_of_case_keeps_the_slug_and_leaves_no_redirect(editor):
    tag = Topic.objects.create(name="covid-19")
    services.rename(tag, "COVID-19", by=editor)

    assert (tag.name, tag.slug) == ("COVID-19", "covid-19") and not SlugRedirect.objects.exists()


def test_rename_is_logged(editor):
    putin = Person.objects.create(name="Vladimir Putin")
    services.rename(putin, "V. Putin", by=editor)

    entry = Entry.objects.get()
    assert (entry.actor, entry.action, entry.target_id) == (editor, "rename-person", str(putin.pk))
    assert "“Vladimir Putin” → “V. Putin”" in entry.note and "vladimir-putin now redirects to v-putin" in entry.note


def test_deleting_a_person_ends_their_old_urls_too(client, editor):
    putin = Person.objects.create(name="Vladimir Putin")
    services.rename(putin, "V. Putin", by=editor)
    services.delete(putin, by=editor)

    assert client.get("/people/vladimir-putin/").status_code == 404


def test_a_person_with_stories_is_not_deleted(editor):
    putin = Person.objects.create(name="Vladimir Putin")
    make_article(people=[putin])

    with pytest.raises(services.TagError, match="linked to 1 story: merge it into another person instead"):
        services.delete(putin, by=editor)
    assert Person.objects.filter(pk=putin.pk).exists()


def test_a_renamed_away_name_leads_to_the_renamed_tag(editor):
    twitter = Topic.objects.create(name="Twitter")
    services.rename(twitter, "X", by=editor)

    assert Topic.named("twitter") == twitter and Topic.objects.count() == 1
    assert Person.named("Twitter") != twitter  # people and topics stay apart


def test_a_live_tag_of_the_name_wins_over_an_old_name(editor):
    first = Person.objects.create(name="John Smith")
    services.rename(first, "John A. Smith", by=editor)
    second = services.create(Person, "John Smith", by=editor)

    assert Person.named("John Smith") == second
