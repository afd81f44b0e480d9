import re

import pytest
from django.test import Client

from newsdesk.comments import services
from newsdesk.comments.forms import started_token
from newsdesk.comments.models import Ban, Comment, WordRule

from .conftest import form_data, make_reader

pytestmark = pytest.mark.django_db


def post(client, story, **data):
    return client.post(f"/comments/stories/{story.pk}/", form_data(**data))


def refused(response, status, reason, kept):
    """The refusal says why, answers `status`, and keeps what the reader wrote."""
    html = response.content.decode()
    assert response.status_code == status, html[:500]
    assert reason in html, html[html.find("comment-form"):][:2000]
    assert kept in html
    assert Comment.objects.count() == 0


def test_csrf_is_required():
    from newsdesk.conftest import make_article

    story = make_article()
    client = Client(enforce_csrf_checks=True)
    assert post(client, story, name="Gus", email="g@example.org").status_code == 403
    assert Comment.objects.count() == 0  # a guest without a token is asked to confirm first


def test_the_honeypot_refuses_bots(client, alice, story):
    client.force_login(alice)
    refused(post(client, story, text="Buy now.", website="http://spam.example"), 400, "looks automated", "Buy now.")


def test_a_form_sent_too_quickly_is_refused_and_can_be_sent_again(client, alice, story, settings):
    settings.COMMENTS_MIN_SECONDS = 30
    client.force_login(alice)

    response = post(client, story, text="Quick thought.")

    refused(response, 400, "sent very quickly", "Quick thought.")


def test_a_forged_start_time_is_refused(client, alice, story):
    client.force_login(alice)
    refused(post(client, story, text="Forged.", started="12345"), 400, "sent very quickly", "Forged.")


def test_rate_limit_per_ip_answers_429_and_keeps_the_text(client, alice, story, settings):
    settings.COMMENTS_RATE_IP = (2, 60)
    client.force_login(alice)
    post(client, story, text="One.")
    post(client, story, text="Two.")
    Comment.objects.all().delete()

    response = post(client, story, text="Three.")

    refused(response, 429, "commenting too fast", "Three.")
    assert response["Retry-After"] == "60"


def test_rate_limit_answers_a_script_with_json_and_when_to_retry(client, alice, story, settings):
    settings.COMMENTS_RATE_IP = (1, 45)
    client.force_login(alice)
    post(client, story, text="One.")

    response = client.post(f"/comments/stories/{story.pk}/", form_data(text="Two."), HTTP_ACCEPT="application/json")

    assert response.status_code == 429 and response["Retry-After"] == "45"
    assert "commenting too fast" in response.json()["error"]
    assert Comment.objects.count() == 1


def test_rate_limit_per_account(client, alice, story, settings):
    settings.COMMENTS_RATE_ACCOUNT = (1, 60)
    client.force_login(alice)
    post(client, story, text="One.")
    Comment.objects.all().delete()

    other_ip = Client(REMOTE_ADDR="198.51.100.9")
    other_ip.force_login(alice)
    response = post(other_ip, story, text="Two.")

    refused(response, 429, "commenting too fast", "Two.")
    assert response["Retry-After"] == "60"


def test_the_same_comment_twice_is_refused(client, alice, story):
    client.force_login(alice)
    post(client, story, text="Exactly this.")
    Comment.objects.update(text="kept")

    response = post(client, story, text="  exactly   THIS. ")
    assert response.status_code == 400 and "already posted this comment" in response.content.decode()
    assert Comment.objects.count() == 1


def test_banned_words_are_refused_and_suspect_words_held(client, alice, story):
    WordRule.objects.create(word="scam coin", action=WordRule.Action.REFUSE)
    WordRule.objects.create(word="idiot", action=WordRule.Action.HOLD)
    client.force_login(alice)

    refused(post(client, story, text="Try Scam Coin today"), 400, "scam coin", "Try Scam Coin today")
    post(client, story, text="What an idiot.")
    assert Comment.objects.get().held_because == "suspect words: idiot"
    post(client, story, text="Idiotic is not a listed word.")
    assert Comment.objects.latest("pk").status == Comment.Status.APPROVED


def test_links_from_new_accounts_are_held_and_too_many_links_refused(client, story, settings):
    newcomer = make_reader("New Reader", "new@example.org", joined_days_ago=0)
    client.force_login(newcomer)

    post(client, story, text="See https://example.org/report for details.")
    assert Comment.objects.get().held_because == "links from a new account"
    Comment.objects.all().delete()

    links = " ".join(f"https://example.org/{n}" for n in range(settings.COMMENTS_MAX_LINKS + 1))
    refused(post(client, story, text=links), 400, "links; at most", "https://example.org/0")


def test_length_limit_and_a_megabyte_body(client, alice, story, settings):
    client.force_login(alice)
    refused(post(client, story, text="x" * (settings.COMMENTS_MAX_LENGTH + 1)), 400, "the limit is", "xxxx")
    Comment.objects.all().delete()
    response = post(client, story, text="y" * 1_000_000)
    assert response.status_code == 400 and Comment.objects.count() == 0
    assert "far too long" in response.content.decode()


@pytest.mark.parametrize("kind, value, client_kwargs", [
    ("user", None, {}), ("email", "alice@example.org", {}), ("ip", "127.0.0.0/8", {}),
])
def test_banned_readers_are_refused(client, alice, story, kind, value, client_kwargs):
    services.ban(kind, value or alice.pk, by=None, days=1)
    client.force_login(alice)
    refused(post(client, story, text="Let me in."), 403, "cannot comment", "Let me in.")


def test_an_expired_ban_no_longer_applies(client, alice, story):
    entry = services.ban("user", alice.pk, by=None, days=1)
    Ban.objects.filter(pk=entry.pk).update(until=entry.created_at)
    client.force_login(alice)
    assert post(client, story, text="Back again.").status_code == 302


HOSTILE = [
    '<script>alert("x")</script>',
    '<a href="javascript:alert(1)">click</a>',
    "[x](javascript:alert(1)) javascript:alert(1)",
    '<img src=x onerror="alert(1)">',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "<b><i>unterminated <div",
    '"><svg onload=alert(1)>',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_comments_never_execute_or_break_the_page(client, alice, story, text):
    client.force_login(alice)
    post(client, story, text=text)

    comment = Comment.objects.get()
    html = client.get(story.get_absolute_url()).content.decode()
    tags = re.findall(r"<(/?[a-zA-Z][^\s>/]*)([^>]*)>", comment.html)
    assert {name.strip("/") for name, _ in tags} <= {"p", "br", "a", "em", "blockquote"}, comment.html
    assert all(not attrs or attrs.startswith(' href="http') for _, attrs in tags), comment.html
    assert html.count("<main") == 1 and html.rstrip().endswith("</html>")
    assert '<script>alert("x")</script>' not in html


def test_links_carry_nofollow_ugc_noopener(alice, story):
    comment = services.post(story, text="Source: https://example.org/a?b=1", user=alice)
    assert comment.html == ('<p>Source: <a href="https://example.org/a?b=1" rel="nofollow ugc noopener">'
                            "https://example.org/a?b=1</a></p>")


def test_bidi_and_zero_width_characters_are_removed_from_names_and_text(client, story):
    post(client, story, text="Hi\u202e there\u200b.", name="Eve\u202e\u200b Evil", email="eve@example.org")

    comment = Comment.objects.get()
    assert comment.author_name == "Eve Evil" and comment.text == "Hi there."


def test_invalid_utf8_is_refused_not_a_server_error(client, story):
    body = b"text=%FF%FE%FD&name=Gus&email=g%40example.org&started=" + started_token().encode()
    response = client.post(f"/comments/stories/{story.pk}/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "not valid UTF-8" in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_comment_is_taken_while_the_rate_limit_store_is_out_of_reach(settings):
    """Redis restarting must not turn a reader's comment into an error page."""
    from newsdesk import ratelimit

    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    assert ratelimit.allow("comment-ip", "192.0.2.1", 1, 60) is True
    assert ratelimit.allow("comment-ip", "192.0.2.1", 1, 60) is True
