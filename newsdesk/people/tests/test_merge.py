import pytest

from newsdesk.audit.models import Entry
from newsdesk.conftest import make_article
from newsdesk.people import services
from newsdesk.people.models import Person, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("edna", "edna@newsroom.example", "a long passphrase 42")


def test_merge_moves_the_stories_without_linking_any_twice(editor):
    keep = Person.objects.create(name="Vladimir Putin")
    duplicate = Person.objects.create(name="V. Putin", description="President of Russia.")
    only_keep = make_article(headline="One", people=[keep])
    both = make_article(headline="Two", people=[keep, duplicate])
    only_duplicate = make_article(headline="Three", people=[duplicate])

    merged = services.merge(keep, duplicate, by=editor)

    assert (merged.moved, merged.shared) == (1, 1)
    for story in (only_keep, both, only_duplicate):
        assert list(story.people.all()) == [keep], story.headline
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    keep.refresh_from_db()
    assert keep.description == "President of Russia."  # kept had none


def test_merge_leaves_the_duplicates_urls_leading_to_the_kept_one(client, editor):
    keep = Topic.objects.create(name="Space")
    duplicate = Topic.objects.create(name="Outer space")
    services.rename(duplicate, "Outer Space exploration", by=editor)

    services.merge(keep, duplicate, by=editor)

    for old in ["outer-space", "outer-space-exploration"]:
        page = client.get(f"/topics/{old}/")
        assert (page.status_code, page["Location"]) == (301, "/topics/space/"), old


def test_merge_preview_counts_what_would_move(editor):
    keep, duplicate = Topic.objects.create(name="Space"), Topic.objects.create(name="Outer space")
    make_article(topics=[keep, duplicate])
    make_article(topics=[duplicate])
    make_article(topics=[duplicate])

    assert services.merge_preview(keep, duplicate) == (2, 1)


def test_merge_is_logged(editor):
    keep, duplicate = Person.objects.create(name="Vladimir Putin"), Person.objects.create(name="V. Putin")
    make_article(people=[duplicate])

    services.merge(keep, duplicate, by=editor)

    entry = Entry.objects.get(action="merge-person")
    assert entry.actor == editor and entry.target_id == str(keep.pk)
    assert "merged “V. Putin”" in entry.note and "1 stories moved" in entry.note


def test_merging_a_person_with_itself_is_refused(editor):
    putin = Person.objects.create(name="Vladimir Putin")
    make_article(people=[putin])

    with pytest.raises(services.TagError, match="can't be merged with itself"):
        services.merge(putin, Person.objects.get(pk=putin.pk), by=editor)
    assert putin.stories.count() == 1


def test_merging_a_person_with_a_topic_is_refused(editor):
    person, topic = Person.objects.create(name="Mercury"), Topic.objects.create(name="Mercury")

    with pytest.raises(services.TagError, match="A person can only be merged with a person"):
        services.merge(person, topic, by=editor)
    assert Person.objects.exists() and Topic.objects.exists() and not Entry.objects.exists()


def test_merging_one_already_gone_is_refused(editor):
    keep, duplicate = Person.objects.create(name="Vladimir Putin"), Person.objects.create(name="V. Putin")
    Person.objects.filter(pk=duplicate.pk).delete()

    with pytest.raises(services.TagError, match="gone already"):
        services.merge(keep, duplicate, by=editor)


def test_a_merged_away_name_leads_to_the_kept_one_instead_of_a_new_duplicate(editor):
    keep, duplicate = Person.objects.create(name="Vladimir Putin"), Person.objects.create(name="V. Putin")
    services.merge(keep, duplicate, by=editor)

    assert Person.named("v. putin") == keep  # e.g. the next wire story tagged the old way
    assert Person.objects.count() == 1
