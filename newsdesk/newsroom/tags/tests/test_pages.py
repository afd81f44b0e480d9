import pytest
from django.urls import reverse

from newsdesk.audit.models import Entry
from newsdesk.conftest import make_article
from newsdesk.people.models import Person, SlugRedirect, Topic

pytestmark = pytest.mark.django_db


def test_list_shows_people_and_topics_with_their_story_counts(editor_client, django_assert_num_queries):
    putin, space = Person.objects.create(name="Vladimir Putin"), Topic.objects.create(name="Space")
    make_article(people=[putin], topics=[space])
    make_article(people=[putin])
    for n in range(30):
        Topic.objects.create(name=f"Topic {n:02d}")

    editor_client.get(reverse("newsroom:tags"))  # the session's first request records it in its account's list
    # session, user, the session's row in its account's list, user's and groups' permissions, count,
    # rows (both kinds at once), reader's masthead
    with django_assert_num_queries(8):
        page = editor_client.get(reverse("newsroom:tags"))

    html = page.text
    assert page.status_code == 200 and "<h1>People and topics</h1>" in html
    assert "32 results" in html
    row = html[html.index("Vladimir Putin"):]
    assert "<td>Person</td>" in row[:200] and '<td class="tags-number">2</td>' in row[:200]
    assert reverse("newsroom:tag-edit", args=["person", putin.pk]) in html


def test_list_searches_by_name_and_kind(editor_client):
    Person.objects.create(name="Vladimir Putin")
    Person.objects.create(name="Joe Biden")
    Topic.objects.create(name="Putin's war")

    both = editor_client.get(reverse("newsroom:tags"), {"q": "putin"}).text
    people = editor_client.get(reverse("newsroom:tags"), {"q": "putin", "kind": "person"}).text

    assert "Vladimir Putin" in both and "Putin&#x27;s war" in both and "Joe Biden" not in both
    assert "Vladimir Putin" in people and "Putin&#x27;s war" not in people and "1 person with" in people


def test_list_pages_keep_the_search(editor_client):
    for n in range(60):
        Topic.objects.create(name=f"Sport {n:02d}")

    first = editor_client.get(reverse("newsroom:tags"), {"q": "sport"}).text
    second = editor_client.get(reverse("newsroom:tags"), {"q": "sport", "page": 2}).text

    assert "Sport 49" in first and "Sport 50" not in first and 'href="?q=sport&amp;page=2"' in first
    assert "Sport 50" in second and "Sport 59" in second


def test_editor_adds_a_topic(editor_client, editor):
    page = editor_client.post(reverse("newsroom:tag-new"), {"kind": "topic", "name": " Climate  change ",
                                                            "description": "Warming and what to do."})

    topic = Topic.objects.get()
    assert (topic.name, topic.slug, topic.description) == ("Climate change", "climate-change", "Warming and what to do.")
    assert page["Location"] == reverse("newsroom:tag-edit", args=["topic", topic.pk])
    assert Entry.objects.filter(action="add-topic", actor=editor).exists()


def test_adding_a_name_that_exists_says_to_merge(editor_client):
    Person.objects.create(name="Vladimir Putin")

    page = editor_client.post(reverse("newsroom:tag-new"), {"kind": "person", "name": "vladimir putin"})

    assert page.status_code == 400 and "already a person called “Vladimir Putin”" in page.text
    assert Person.objects.count() == 1


def test_editing_the_name_renames_with_a_redirect(editor_client, client):
    putin = Person.objects.create(name="Vladimir Putin")
    url = reverse("newsroom:tag-edit", args=["person", putin.pk])

    page = editor_client.post(url, {"name": "Vladimir V. Putin", "description": "President of Russia."}, follow=True)

    putin.refresh_from_db()
    assert (putin.name, putin.slug, putin.description) == ("Vladimir V. Putin", "vladimir-v-putin", "President of Russia.")
    assert "/people/vladimir-putin/ now redirects here." in page.text and "vladimir-putin</li>" in page.text
    assert editor_client.get("/people/vladimir-putin/")["Location"] == "/people/vladimir-v-putin/"
    assert set(Entry.objects.values_list("action", flat=True)) == {"rename-person", "describe-person"}


def test_edit_page_says_a_person_with_stories_cannot_be_deleted(editor_client):
    putin = Person.objects.create(name="Vladimir Putin")
    make_article(people=[putin])

    page = editor_client.get(reverse("newsroom:tag-edit", args=["person", putin.pk])).text
    assert "linked to 1 story, so it can't be deleted" in page
    assert reverse("newsroom:tag-delete", args=["person", putin.pk]) not in page

    response = editor_client.post(reverse("newsroom:tag-delete", args=["person", putin.pk]), follow=True)
    assert "merge it into another person instead" in response.text and Person.objects.exists()


def test_editor_deletes_a_person_without_stories(editor_client):
    putin = Person.objects.create(name="Vladimir Putin")

    page = editor_client.post(reverse("newsroom:tag-delete", args=["person", putin.pk]))

    assert page["Location"] == reverse("newsroom:tags") and not Person.objects.exists()
    assert Entry.objects.filter(action="delete-person", target="Vladimir Putin").exists()


def test_merge_shows_what_moves_before_merging(editor_client):
    keep, duplicate = Person.objects.create(name="Vladimir Putin"), Person.objects.create(name="V. Putin")
    make_article(people=[duplicate])
    make_article(people=[duplicate, keep])
    url = reverse("newsroom:tag-merge", args=["person", duplicate.pk])

    page = editor_client.post(url, {"other": "vladimir putin", "keep": "other"})

    assert page.status_code == 200 and "Merge “V. Putin” into “Vladimir Putin”?" in page.text
    assert "1 story will move" in page.text and "1 already linked to both" in page.text
    assert Person.objects.count() == 2  # nothing yet

    done = editor_client.post(url, {"other_id": keep.pk, "keep": "other", "confirm": "1"}, follow=True)

    assert "Merged “V. Putin” into “Vladimir Putin”: 1 story moved." in done.text
    assert list(Person.objects.all()) == [keep] and keep.stories.count() == 2
    assert SlugRedirect.objects.get().old_slug == "v-putin"


def test_merge_form_explains_what_it_cannot_find(editor_client):
    putin = Person.objects.create(name="Vladimir Putin")
    Person.objects.create(name="Joe Biden")
    Person.objects.create(name="Jill Biden")
    url = reverse("newsroom:tag-merge", args=["person", putin.pk])

    assert "No person of that name." in editor_client.post(url, {"other": "Xi", "keep": "this"}).text
    assert "Several match: “Jill Biden”, “Joe Biden”" in editor_client.post(url, {"other": "biden", "keep": "this"}).text
    assert "That is this person itself" in editor_client.post(url, {"other": "Vladimir Putin", "keep": "this"}).text
    assert Person.objects.count() == 3


def test_suggestions_answer_json_for_the_story_editor(client, reporter):
    putin = Person.objects.create(name="Vladimir Putin")
    russia = Topic.objects.create(name="Russia")
    Topic.objects.create(name="Put")
    client.force_login(reporter)

    posted = client.post(reverse("newsroom:tag-suggestions"),
                         {"text": "<p>In <em>Russia</em>, President Vladimir Putin has …</p>"})
    got = client.get(reverse("newsroom:tag-suggestions"), {"text": "Vladimir Putin", "limit": "1"})

    assert posted["Content-Type"] == "application/json"
    assert posted.json() == [{"kind": "topic", "id": russia.pk, "name": "Russia"},
                             {"kind": "person", "id": putin.pk, "name": "Vladimir Putin"}]
    assert got.json() == [{"kind": "person", "id": putin.pk, "name": "Vladimir Putin"}]
