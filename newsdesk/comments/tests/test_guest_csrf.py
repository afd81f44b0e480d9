"""A guest's page has no CSRF token. With JavaScript the page fetches one on first use;
without, a post from this site is shown back once to confirm; a post from another site
is refused."""

import html
import re
import time
from unittest import mock

import pytest
from django.test import Client

from newsdesk.comments import services
from newsdesk.comments.forms import started_token
from newsdesk.comments.models import Comment, Like, Report

from .conftest import form_data, make_reader

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def fields(page):
    """The confirmation form's fields, as the browser would send them."""
    text = page.content.decode()
    form = text[text.index('<form method="post"'):]
    form = form[:form.index("</form>")]
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    data = {html.unescape(name): html.unescape(value) for name, value in hidden}
    area = re.search(r"<textarea name=\"text\"[^>]*>(.*?)</textarea>", form, re.S)
    if area:
        data["text"] = html.unescape(area.group(1))
    return data


def guest_post(client, story, **extra):
    data = {**form_data(text="The ferry <em>timetable</em> works for me.", name="Gus Guest",
                        email="gus@example.org"), **extra}
    return client.post(f"/comments/stories/{story.pk}/", data)


def test_a_guest_without_javascript_confirms_the_comment_once(story):
    guest = Client(enforce_csrf_checks=True)
    guest.get(story.get_absolute_url())

    page = guest_post(guest, story)

    assert page.status_code == 403
    text = page.content.decode()
    assert "Confirm your comment" in text
    assert "The ferry &lt;em&gt;timetable&lt;/em&gt; works for me." in text
    assert TOKEN.search(text) and "csrftoken" in page.cookies
    assert Comment.objects.count() == 0

    sent = fields(page)
    assert sent["name"] == "Gus Guest" and sent["email"] == "gus@example.org" and sent["started"]
    done = guest.post(f"/comments/stories/{story.pk}/", sent)

    comment = Comment.objects.get()
    assert done.status_code == 302 and done["Location"] == comment.get_absolute_url()
    assert comment.text == "The ferry <em>timetable</em> works for me."
    assert comment.status == Comment.Status.PENDING and comment.author_name == "Gus Guest"


def test_the_confirmation_keeps_the_time_the_form_was_opened(story, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    with mock.patch("newsdesk.comments.forms.time.time", return_value=time.time() - 10):
        opened = started_token()  # the guest read the article for ten seconds
    guest = Client(enforce_csrf_checks=True)

    page = guest_post(guest, story, started=opened)
    assert fields(page)["started"] == opened
    guest.post(f"/comments/stories/{story.pk}/", fields(page))  # confirmed at once

    assert Comment.objects.get().author_name == "Gus Guest"


def test_a_cross_site_post_is_refused_and_saves_nothing(story):
    guest = Client(enforce_csrf_checks=True)

    page = guest.post(f"/comments/stories/{story.pk}/", form_data(name="Eve", email="eve@example.org"),
                      HTTP_ORIGIN="https://evil.example")

    assert page.status_code == 403
    assert b"Confirm" not in page.content and not TOKEN.search(page.content.decode())
    assert Comment.objects.count() == 0


def test_a_post_with_a_foreign_referer_over_https_is_refused(story):
    guest = Client(enforce_csrf_checks=True)

    page = guest.post(f"/comments/stories/{story.pk}/", form_data(name="Eve", email="eve@example.org"),
                      secure=True, HTTP_REFERER="https://evil.example/page")

    assert page.status_code == 403 and b"Confirm" not in page.content
    assert Comment.objects.count() == 0


def test_a_post_from_a_trusted_origin_may_be_confirmed(story, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://news.example.org"]
    guest = Client(enforce_csrf_checks=True)

    page = guest.post(f"/comments/stories/{story.pk}/", form_data(name="Gus", email="gus@example.org"),
                      HTTP_ORIGIN="https://news.example.org")

    assert b"Confirm your comment" in page.content


def test_other_forms_get_djangos_refusal(alice):
    guest = Client(enforce_csrf_checks=True)

    page = guest.post("/account/login/", {"username": "alice@example.org", "password": "x"})

    assert page.status_code == 403 and b"Confirm" not in page.content


def test_the_token_endpoint_gives_a_token_that_posts(story):
    guest = Client(enforce_csrf_checks=True)

    answer = guest.get("/account/csrf/")

    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    token = answer.json()["token"]
    posted = guest_post(guest, story, csrfmiddlewaretoken=token)
    assert posted.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_a_script_sending_without_a_token_is_told_in_json(story):
    guest = Client(enforce_csrf_checks=True)

    answer = guest.post(f"/comments/stories/{story.pk}/", form_data(name="Gus", email="gus@example.org"),
                        HTTP_ACCEPT="application/json")

    assert answer.status_code == 403
    assert answer.json()["csrf"] is True and "security token" in answer.json()["error"]


@pytest.fixture
def shown(story, bob):
    return services.post(story, text="A comment to like.", user=bob)


def test_a_guest_without_javascript_confirms_a_report(shown):
    guest = Client(enforce_csrf_checks=True)

    page = guest.post(f"/comments/{shown.pk}/report/", {"reason": "off-topic"})

    assert page.status_code == 403 and b"Confirm your report" in page.content
    assert Report.objects.count() == 0
    done = guest.post(f"/comments/{shown.pk}/report/", fields(page))
    assert done.status_code == 302
    assert Report.objects.get().reason == "off-topic"


def test_a_signed_in_reader_confirms_a_like_after_the_token_went_stale(shown, alice):
    reader = Client(enforce_csrf_checks=True)
    reader.force_login(alice)

    page = reader.post(f"/comments/{shown.pk}/like/", {"csrfmiddlewaretoken": "x" * 64})

    assert page.status_code == 403 and b"Like the comment" in page.content
    assert Like.objects.count() == 0
    reader.post(f"/comments/{shown.pk}/like/", fields(page))
    assert Like.objects.filter(comment=shown).count() == 1


def test_a_refused_guest_comment_comes_back_with_a_token_to_send_again(story):
    guest = Client(enforce_csrf_checks=True)
    # A mistake is shown at once (nothing to confirm yet), with a token for sending it again.
    refused = guest_post(guest, story, email="not an address")

    assert refused.status_code == 400 and b"Confirm" not in refused.content
    token = TOKEN.search(refused.content.decode()).group(1)  # an answer to a post is no one else's
    sent = guest_post(guest, story, csrfmiddlewaretoken=token)
    assert sent.status_code == 302 and Comment.objects.count() == 1
