"""An editor makes a person an author, with role, bio, photo and aliases, on the person's
newsroom page; stories then name them by an alias and bylines link them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from newsdesk.audit.models import Entry
from newsdesk.people.models import Person
from newsdesk.stories import services
from newsdesk.stories.models import Story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ORIGINALS_ROOT = tmp_path / "originals"


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (400, 400), (200, 120, 40)).save(out, "JPEG")
    return SimpleUploadedFile("nora.jpg", out.getvalue(), content_type="image/jpeg")


def form(person, **changes):
    data = {"name": person.name, "description": person.description, "role": person.role, "bio": person.bio,
            "aliases": person.aliases, "photo": person.photo_id or ""}
    if person.is_author:
        data["is_author"] = "on"
    data.update(changes)
    return data


def test_an_editor_makes_a_person_an_author_with_role_bio_photo_and_aliases(editor_client, editor):
    nora = Person.objects.create(name="Nora Lind")
    url = reverse("newsroom:tag-edit", args=["person", nora.pk])
    assert 'name="aliases"' in editor_client.get(url).text

    page = editor_client.post(url, form(nora, is_author="on", role="Harbour reporter", bio="Covers the ferries.",
                                        aliases="N. Lind\n\nnora lind-berg\nN. Lind", new_photo=jpeg()))

    assert page.status_code == 302
    nora.refresh_from_db()
    assert (nora.is_author, nora.role, nora.bio) == (True, "Harbour reporter", "Covers the ferries.")
    assert nora.alias_list == ["N. Lind", "nora lind-berg"]
    assert nora.photo is not None and nora.photo.alt == "Nora Lind"
    assert Entry.objects.filter(action="describe-person").exists()
    reader_page = editor_client.get(nora.get_absolute_url()).text
    assert "Harbour reporter" in reader_page and "Covers the ferries." in reader_page

    # The story editor offers her as an author; a story naming her by an alias is linked to her.
    editor_page = editor_client.get(reverse("newsroom:new-story")).text
    assert f'<option value="{nora.pk}">Nora Lind · Harbour reporter</option>' in editor_page
    story = services.save(Story(headline="Ferry", body="<p>N. Lind reports.</p>"), by=editor)
    assert list(story.people.all()) == [nora]


def test_a_photo_that_is_not_a_picture_gets_a_clear_error_and_changes_nothing(editor_client):
    nora = Person.objects.create(name="Nora Lind")
    url = reverse("newsroom:tag-edit", args=["person", nora.pk])

    page = editor_client.post(url, form(nora, name="Nora Lind-Berg", role="Reporter",
                                        new_photo=SimpleUploadedFile("x.jpg", b"not a picture", content_type="image/jpeg")))

    assert page.status_code == 400
    assert "Upload a valid image" in page.text or "not a picture" in page.text.lower()
    nora.refresh_from_db()
    assert (nora.name, nora.role, nora.photo) == ("Nora Lind", "", None)


def test_a_topic_page_has_no_author_fields(editor_client):
    from newsdesk.people.models import Topic

    space = Topic.objects.create(name="Space")
    html = editor_client.get(reverse("newsroom:tag-edit", args=["topic", space.pk])).text
    assert 'name="description"' in html and 'name="aliases"' not in html and 'name="is_author"' not in html
