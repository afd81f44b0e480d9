"""A comment refused for its fields: each problem a list item of the alert, each field marked
invalid and described by its own message, and everything the reader typed still in the form."""

import re

import pytest

from newsdesk.comments.models import Comment

from .conftest import form_data

pytestmark = pytest.mark.django_db


def ids_in(html):
    return set(re.findall(r'\sid="([^"]+)"', html))


def test_a_guest_with_two_mistakes_sees_each_one_tied_to_its_field_and_keeps_the_text(client, story):
    page = client.post(f"/comments/stories/{story.pk}/", form_data(
        text="The new timetable suits me.", name="Gus Guest", email="not an address"))

    html = page.content.decode()
    assert page.status_code == 400 and not Comment.objects.exists()
    alert = re.search(r'<div class="form-error" role="alert".*?</div>', html, re.S).group()
    items = re.findall(r"<li>(.*?)</li>", alert, re.S)
    assert items == ['<a href="#id_email">Your email: Enter a valid email address.</a>']

    email = re.search(r'<input type="email"[^>]*>', html).group()
    assert 'aria-invalid="true"' in email and 'value="not an address"' in email
    described = re.search(r'aria-describedby="([^"]+)"', email).group(1).split()
    assert described == ["id_email-error", "id_email-help"]
    assert '<span class="field-error" id="id_email-error"><span>Enter a valid email address.</span></span>' in html
    assert 'value="Gus Guest"' in html and ">The new timetable suits me.</textarea>" in html


def test_every_missing_field_is_its_own_item(client, story):
    page = client.post(f"/comments/stories/{story.pk}/", form_data(text="", name="", email=""))

    html = page.content.decode()
    alert = re.search(r'<div class="form-error" role="alert".*?</div>', html, re.S).group()
    assert len(re.findall(r"<li>", alert)) == 3
    for field in ("id_text", "id_name", "id_email"):
        assert f'href="#{field}"' in alert
    # Every aria-describedby names an element of the page, once each.
    ids = ids_in(html)
    for value in re.findall(r'aria-describedby="([^"]+)"', html):
        assert set(value.split()) <= ids, value
    assert len(re.findall(r'\sid="id_text-error"', html)) == 1


def test_a_script_gets_the_problems_as_a_list(client, story):
    page = client.post(f"/comments/stories/{story.pk}/", form_data(text="", name="", email=""),
                       HTTP_ACCEPT="application/json")

    data = page.json()
    assert page.status_code == 400 and len(data["errors"]) == 3
    assert set(data["fields"]) == {"text", "name", "email"}


def test_a_guest_without_javascript_sees_mistakes_at_once_and_sends_the_corrected_form(story):
    from django.test import Client

    guest = Client(enforce_csrf_checks=True)  # a guest's page carries no token: no script fetches one
    page = guest.post(f"/comments/stories/{story.pk}/", form_data(
        text="The new timetable suits me.", name="Gus Guest", email="gus@example"))

    html = page.content.decode()
    assert page.status_code == 400 and not Comment.objects.exists()
    assert "Confirm your comment" not in html  # straight back to the story, not a confirmation first
    assert '<a href="#id_email">Your email: Enter a valid email address.</a>' in html
    assert 'value="Gus Guest"' in html and 'value="gus@example"' in html and ">The new timetable suits me.</textarea>" in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)

    done = guest.post(f"/comments/stories/{story.pk}/", {
        "csrfmiddlewaretoken": token, "started": started, "text": "The new timetable suits me.",
        "name": "Gus Guest", "email": "gus@example.org", "website": ""})

    comment = Comment.objects.get()
    assert done.status_code == 302 and done["Location"] == comment.get_absolute_url()
    assert comment.author_name == "Gus Guest"
