"""Every guest gets the same comment form, kept rendered once and given each page's own story,
time and key: each story's form still posts to that story and brings the reader back to it."""

import html
import re
import time

import pytest
from django.core import signing
from django.test import Client
from urllib.parse import quote

from newsdesk.comments.forms import _SALT, FORM_KEY
from newsdesk.comments.models import Comment
from newsdesk.conftest import make_article

pytestmark = pytest.mark.django_db


def comment_form(page):
    text = page.content.decode()
    start = text.index('<form class="comment-form"')
    return text[start:text.index("</form>", start)]


def hidden(form, name):
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', form).group(1))


def test_each_story_s_guest_form_posts_to_that_story_and_signs_in_back_to_it():
    ferry = make_article(headline="Harbour ferry returns", slug="harbour-ferry-returns")
    budget = make_article(headline="Council & budget: the vote", slug="council-budget-vote")
    guest = Client()
    for story in (ferry, budget, ferry):
        form = comment_form(guest.get(story.get_absolute_url()))
        assert f'action="/comments/stories/{story.pk}/#comment-form"' in form
        assert f'/account/login/?next={quote(story.get_absolute_url())}%23comments"' in form
        assert f'/account/signup/?next={quote(story.get_absolute_url())}%23comments"' in form
        assert "Comments from guests are read by a moderator" in form
        assert 'name="csrfmiddlewaretoken" value=""' in form  # a guest's page carries no token


def test_every_page_a_guest_opens_has_a_fresh_form_key_and_a_signed_time():
    story = make_article()
    guest = Client()
    first, second = (comment_form(guest.get(story.get_absolute_url())) for _ in range(2))
    assert FORM_KEY.fullmatch(hidden(first, "key")) and hidden(first, "key") != hidden(second, "key")
    for form in (first, second):  # the form's own signed time, not a stand-in
        assert abs(signing.loads(hidden(form, "started"), salt=_SALT) - time.time()) < 60


def test_a_guest_posting_the_form_of_the_second_story_opened_comments_on_that_story():
    ferry, budget = make_article(headline="Harbour ferry returns"), make_article(headline="Budget vote")
    guest = Client()
    guest.get(ferry.get_absolute_url())
    form = comment_form(guest.get(budget.get_absolute_url()))
    action = html.unescape(re.search(r'action="([^"#]*)', form).group(1))
    answer = guest.post(action, {
        "text": "Good to see the vote written up.", "name": "Gus Guest", "email": "gus@example.org", "website": "",
        "parent": hidden(form, "parent"), "started": hidden(form, "started"), "key": hidden(form, "key"),
    })
    assert answer.status_code in (200, 302, 303)
    comment = Comment.objects.get()
    assert comment.story == budget and comment.text == "Good to see the vote written up."


def test_the_guest_form_follows_the_comment_length_setting(settings):
    story = make_article()
    guest = Client()
    assert 'maxlength="5000"' in comment_form(guest.get(story.get_absolute_url()))
    settings.COMMENTS_MAX_LENGTH = 800
    form = comment_form(guest.get(story.get_absolute_url()))
    assert 'maxlength="800"' in form and "at most 800 characters" in form
