import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from newsdesk.conftest import make_article
from newsdesk.pictures.models import Picture
from newsdesk.stories import services as stories
from newsdesk.stories.models import Story

from .conftest import PASSWORD, files_in, jpeg, png_claiming, store, upload

pytestmark = pytest.mark.django_db

LIBRARY = reverse("pictures:library")


def logged_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def post_upload(client, data=None, name="photo.jpg", **fields):
    form = {"file": upload(data or jpeg(), name), "alt": "Ferry at the quay", "caption": "", "credit": ""}
    form.update(fields)
    return client.post(LIBRARY, form)


# Readers: the lead picture on the article and on its teaser.

def test_reader_sees_the_lead_picture_with_srcset_alt_caption_and_credit(client):
    picture = store(jpeg((2000, 1200), orientation=6), alt="Ferry at the quay", caption="Back in service.",
                    credit="Jane Doe")
    article = make_article(standfirst="After four months.", lead_picture=picture)

    html = client.get(article.get_absolute_url()).content.decode()

    img = re.search(r"<figure[^>]*>\s*<img [^>]*>", html).group(0)
    assert 'alt="Ferry at the quay"' in img and 'loading="eager"' in img
    srcset = re.search(r'srcset="([^"]+)"', img).group(1)
    assert re.findall(r" (\d+)w", srcset) == ["320", "640", "960"]
    assert 'width="640"' in img and 'height="1067"' in img and "sizes=" in img
    assert "<figcaption" in html and "Back in service." in html and "Jane Doe" in html
    assert html.index("After four months.") < html.index("<figure") < html.index('<div class="body">')


def test_reader_sees_the_lead_picture_on_the_home_page_teaser(client):
    picture = store(alt="Ferry at the quay")
    make_article(headline="Ferry returns", lead_picture=picture)

    html = client.get("/").content.decode()

    img = re.search(r'<img class="picture picture-teaser"[^>]*>', html).group(0)
    assert 'alt="Ferry at the quay"' in img and "320w" in img and 'loading="lazy"' in img


def test_an_article_without_a_picture_shows_none(client):
    article = make_article()

    assert "<img" not in client.get(article.get_absolute_url()).content.decode()


def test_teasers_with_pictures_cost_no_extra_queries(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_article(headline="Without a picture")
    client.get("/")  # what every page shares (the sections menu) is read once, then kept
    with CaptureQueriesContext(connection) as plain:
        client.get("/")
    for n in range(3):
        make_article(headline=f"Pictured {n}", lead_picture=store(jpeg((400 + n, 300))))

    with django_assert_num_queries(len(plain)):
        page = client.get("/")
    assert page.content.decode().count("picture-teaser") == 3


def test_renditions_are_served_with_long_cache_headers_and_originals_are_not(client):
    picture = store()
    name = picture.renditions[0]["name"]

    page = client.get(settings.MEDIA_URL + name)

    assert page.status_code == 200 and page["Content-Type"] == "image/jpeg"
    assert page["Cache-Control"] == "public, max-age=31536000, immutable"
    client.raise_request_exception = False
    assert client.get(settings.MEDIA_URL + "pictures/../" + picture.original.name).status_code == 400
    assert client.get(settings.MEDIA_URL + picture.original.name).status_code == 404


# The newsroom: the library, uploads and their errors.

def test_anonymous_visitors_are_sent_to_the_login_page(client):
    picture = store()
    for url in (LIBRARY, picture.get_newsroom_url()):
        page = client.get(url)
        assert page.status_code == 302 and page["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")
    assert post_upload(client).status_code == 302 and Picture.objects.count() == 1


def test_a_reader_may_not_see_or_upload_pictures(client, reader, media):
    picture = store()
    logged_in(client, reader)

    assert client.get(LIBRARY).status_code == 403
    assert client.get(picture.get_newsroom_url()).status_code == 403
    assert post_upload(client).status_code == 403
    assert client.post(reverse("pictures:use-as-lead", args=[picture.pk]), {"story": 1}).status_code == 403
    assert Picture.objects.count() == 1


def test_a_reporter_uploads_and_sees_the_picture_in_the_library(client, reporter, media):
    logged_in(client, reporter)

    page = post_upload(client, jpeg((1000, 700)), alt="Ferry at the quay", credit="Remy")

    picture = Picture.objects.get()
    assert page.status_code == 302 and page["Location"] == picture.get_newsroom_url()
    assert picture.uploaded_by == reporter and picture.credit == "Remy"
    library = client.get(LIBRARY).content.decode()
    assert 'class="picture picture-thumb"' in library and 'alt="Ferry at the quay"' in library


def test_the_library_is_paginated(client, reporter, media):
    for n in range(25):
        store(jpeg((100 + n, 100)))
    logged_in(client, reporter)

    first, second = client.get(LIBRARY).content.decode(), client.get(LIBRARY + "?page=2").content.decode()

    assert first.count("picture-thumb") == 24 and second.count("picture-thumb") == 1
    assert "Page 1 of 2" in first


@pytest.mark.parametrize("case, data, name, fields, message", [
    ("text renamed .jpg", b"Minutes of the council meeting\n" * 20, "minutes.jpg", {}, "not a picture"),
    ("truncated JPEG", None, "photo.jpg", {}, "damaged or incomplete"),
    ("too many bytes", None, "photo.jpg", {}, "a picture may be up to 2.0"),
    ("decompression bomb", png_claiming(100_000, 100_000), "bomb.png", {}, "more pixels than Newsdesk takes"),
    ("no alt text", None, "photo.jpg", {"alt": "  "}, "Describe what the picture shows in the alt text"),
])
def test_a_bad_upload_gets_a_clear_error_and_leaves_nothing(client, reporter, media, settings,
                                                           case, data, name, fields, message):
    noisy = jpeg((600, 400), noise=True)
    if case == "truncated JPEG":
        data = noisy[: len(noisy) // 2]
    if case == "too many bytes":
        settings.PICTURE_MAX_BYTES = 2048
        data = noisy
    logged_in(client, reporter)

    page = post_upload(client, data, name, **fields)

    assert page.status_code == (413 if case == "too many bytes" else 400)  # 413: refused as it arrives
    assert message in page.content.decode()
    assert files_in(media) == [] and not Picture.objects.exists()


# Describing a picture and making it a lead picture.

def test_an_editor_changes_the_description(client, editor):
    picture = store()
    logged_in(client, editor)

    page = client.post(picture.get_newsroom_url(), {"alt": "A new alt", "caption": "New caption", "credit": "AP"})

    assert page.status_code == 302
    picture.refresh_from_db()
    assert (picture.alt, picture.caption, picture.credit) == ("A new alt", "New caption", "AP")


def test_the_alt_text_cannot_be_emptied(client, editor):
    picture = store(alt="Kept")
    logged_in(client, editor)

    page = client.post(picture.get_newsroom_url(), {"alt": " ", "caption": "", "credit": ""})

    assert page.status_code == 400 and "alt text" in page.content.decode()
    picture.refresh_from_db()
    assert picture.alt == "Kept"


def test_an_editor_uses_a_picture_as_lead_picture_of_a_story(client, editor):
    picture = store()
    story = stories.save(Story(headline="Ferry returns"), by=editor)
    logged_in(client, editor)

    page = client.post(reverse("pictures:use-as-lead", args=[picture.pk]), {"story": story.pk})

    assert page.status_code == 302
    story.refresh_from_db()
    assert story.lead_picture == picture and story.revision == 2
    assert "Ferry returns" in client.get(picture.get_newsroom_url()).content.decode()


def test_a_reporter_may_not_set_the_lead_picture_of_another_reporters_story(client, reporter, editor):
    picture = store()
    story = stories.save(Story(headline="Not yours"), by=editor)
    logged_in(client, reporter)

    page = client.post(reverse("pictures:use-as-lead", args=[picture.pk]), {"story": story.pk})

    assert page.status_code == 403
    story.refresh_from_db()
    assert story.lead_picture is None


def test_an_unknown_story_is_an_error_message(client, editor):
    picture = store()
    logged_in(client, editor)

    page = client.post(reverse("pictures:use-as-lead", args=[picture.pk]), {"story": 999}, follow=True)

    assert "Choose a story for this picture: that one was not found." in page.content.decode()
