"""Hostile text in every form readers and the newsroom fill in: comments (text, a guest's name
and email), signing up and in, the story editor, people and topics, and the newsroom's
searches. No server error, nothing live on the page that answers or that shows the text after,
and an SQL-injection payload as a search finds nothing that its words do not."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from newsdesk.comments.forms import started_token
from newsdesk.comments.models import Comment
from newsdesk.comments.tests.conftest import make_reader
from newsdesk.conftest import make_article, make_member
from newsdesk.hostile import payloads
from newsdesk.newsroom.editing.tests.conftest import editor_data
from newsdesk.people.models import Person
from newsdesk.stories.models import Story
from newsdesk.testing import record_figures

from .conftest import clean_page, fast_sample, reliability_sample

pytestmark = pytest.mark.django_db


def send(client, method, url, payload, data=None, follow=False):
    """The response's failures (a server error, live markup), as clean_page gives them."""
    try:
        response = getattr(client, method)(url, data, follow=follow)
    except Exception as error:  # the test client re-raises a view's exception: that is the 500
        return [f"{url}: {type(error).__name__}: {error} for {payload!r}"], None
    return clean_page(response, payload, url), response


# --- comments -------------------------------------------------------------------------------


def comment_run(client, chosen, settings):
    """Each payload as a signed-in reader's comment and as a guest's comment, name and email; then
    the article with every one of them, as readers and as the guests see it."""
    # A refused post shows the article again, with a page of comments: a usual page while posting
    # (parsing thousands of comments for each would make the run quadratic), all of them at the end.
    settings.COMMENTS_PER_PAGE = 20
    story = make_article(headline="The harbour reopens")
    reader = make_reader()
    url = reverse("comments:post", args=[story.pk])
    failures, posted = [], 0
    client.force_login(reader)
    for payload in chosen:
        found, response = send(client, "post", url, payload, {"text": payload, "started": started_token()})
        failures += found
        posted += response is not None and response.status_code == 302
    client.logout()
    for n, payload in enumerate(chosen):
        data = {"text": payload, "name": payload, "email": payload, "started": started_token()}
        failures += send(client, "post", url, payload, data)[0]
        data.update(name=payload[:50], email=f"guest{n}@example.org")  # a valid email: the comment waits
        failures += send(client, "post", url, payload, data)[0]
    Comment.objects.filter(story=story).update(status=Comment.Status.APPROVED)  # a moderator lets all through
    settings.COMMENTS_PER_PAGE = 3 * len(chosen)
    page = client.get(story.get_absolute_url())
    failures += clean_page(page, "(all of them)", story.get_absolute_url())
    return failures, posted, story


def test_hostile_comments_sample(client, settings):
    failures, posted, story = comment_run(client, fast_sample("comments", 30), settings)
    assert not failures, failures[:10]
    assert posted > 20  # most are comments a reader may post (some are refused: empty, too many links)


@pytest.mark.reliability
@pytest.mark.timeout(3600)  # thousands of requests
def test_hostile_comments_large_sample(client, settings):
    chosen = reliability_sample("comments-reliability")
    failures, posted, story = comment_run(client, chosen, settings)
    record_figures("hostile-comments", payloads=len(chosen), posts=3 * len(chosen), published=posted,
                   failures=len(failures))
    assert not failures, failures[:10]


# --- reader accounts ---------------------------------------------------------------------------


def accounts_run(client, chosen):
    failures = []
    for n, payload in enumerate(chosen):
        signup = {"display_name": payload, "email": f"reader{n}@example.org", "password": "harbour lights 1987"}
        found, response = send(client, "post", reverse("readers:signup"), payload, signup, follow=True)
        failures += found
        if response is not None and response.wsgi_request.user.is_authenticated:
            failures += send(client, "get", reverse("readers:account"), payload)[0]
            client.logout()
        for data in ({"email": payload, "password": payload}, {"email": f"reader{n}@example.org", "password": payload}):
            failures += send(client, "post", reverse("readers:login"), payload, data)[0]
        failures += send(client, "post", reverse("readers:password_reset"), payload, {"email": payload})[0]
        failures += send(client, "get", reverse("readers:login") + "?next=" + payload, payload)[0]
    return failures


def test_hostile_signup_and_login_sample(client):
    failures = accounts_run(client, fast_sample("accounts", 30))
    assert not failures, failures[:10]


@pytest.mark.reliability
@pytest.mark.timeout(3600)  # thousands of requests
def test_hostile_signup_and_login_large_sample(client):
    chosen = reliability_sample("accounts-reliability")
    failures = accounts_run(client, chosen)
    record_figures("hostile-reader-accounts", payloads=len(chosen), failures=len(failures))
    assert not failures, failures[:10]


# --- the newsroom ------------------------------------------------------------------------------


def newsroom_run(client, chosen):
    editor = make_member("edna", "Editor")
    client.force_login(editor)
    failures, saved = [], 0
    for n, payload in enumerate(chosen):
        data = editor_data(headline=payload[:200] or "x", standfirst=payload, body=payload, byline=payload[:100],
                           source=payload[:100], people=payload, topics=payload)
        found, response = send(client, "post", reverse("newsroom:new-story"), payload, data)
        failures += found
        story = Story.objects.order_by("-pk").first()
        if response is not None and response.status_code == 302 and story is not None:
            saved += 1
            failures += send(client, "get", reverse("newsroom:edit-story", args=[story.pk]), payload)[0]
            failures += send(client, "get", reverse("newsroom:preview", args=[story.pk]), payload)[0]
        tag = {"kind": "person", "name": payload, "description": payload}
        failures += send(client, "post", reverse("newsroom:tag-new"), payload, tag)[0]
        failures += send(client, "get", reverse("newsroom:stories"), payload, {"q": payload, "status": payload,
                                                                               "kind": payload, "page": payload})[0]
        failures += send(client, "get", reverse("newsroom:tags"), payload, {"q": payload, "kind": payload})[0]
        failures += send(client, "get", reverse("newsroom:tag-suggestions"), payload, {"text": payload})[0]
        failures += send(client, "get", reverse("newsroom:log"), payload, {"actor": payload, "action": payload})[0]
    failures += send(client, "get", reverse("newsroom:stories"), "(all of them)")[0]
    failures += send(client, "get", reverse("newsroom:tags"), "(all of them)")[0]
    return failures, saved


def test_hostile_newsroom_forms_sample(client):
    failures, saved = newsroom_run(client, fast_sample("newsroom", 25))
    assert not failures, failures[:10]
    assert saved > 10


@pytest.mark.reliability
@pytest.mark.timeout(3600)  # thousands of requests
def test_hostile_newsroom_forms_large_sample(client):
    chosen = reliability_sample("newsroom-reliability")
    failures, saved = newsroom_run(client, chosen)
    record_figures("hostile-newsroom-forms", payloads=len(chosen), stories_saved=saved,
                   failures=len(failures))
    assert not failures, failures[:10]


def sql_in_searches(client, chosen):
    """Each payload as the story list's and the people and topics list's search: a story or tag
    is found exactly when the payload is part of its text (a search too long to be one is ignored)."""
    editor = make_member("edna", "Editor")
    client.force_login(editor)
    story = make_article(headline="Harbour ferry returns")
    Person.objects.create(name="Nora Lind")
    extra = []
    for payload in chosen:
        stories = client.get(reverse("newsroom:stories"), {"q": payload}).content.decode()
        tags = client.get(reverse("newsroom:tags"), {"q": payload}).content.decode()
        words = payload.strip().lower()
        if ("Harbour ferry returns" in stories) != (words in story.headline.lower() or words in story.body.lower()):
            extra.append(("stories", payload))
        if len(payload) <= 200 and ("Nora Lind" in tags) != (words in "nora lind"):
            extra.append(("tags", payload))
    assert get_user_model().objects.count() == 1
    return extra


def test_sql_injection_as_a_newsroom_search_finds_nothing_extra_sample(client):
    extra = sql_in_searches(client, payloads.sample(payloads.collected("sqli"), 60, salt="searches"))
    assert not extra, extra[:10]


@pytest.mark.reliability
@pytest.mark.timeout(3600)  # thousands of requests
def test_sql_injection_as_a_newsroom_search_finds_nothing_extra(client):
    extra = sql_in_searches(client, payloads.collected("sqli"))
    record_figures("hostile-sql-in-searches", payloads=len(payloads.collected("sqli")), extra_results=len(extra))
    assert not extra, extra[:10]
