from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from newsdesk.comments.models import Ban, WordRule

from .conftest import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(story, moderator):
    comment = make_comment(story)
    ban = Ban.objects.create(kind=Ban.Kind.IP, value="203.0.113.0/24")
    rule = WordRule.objects.create(word="casino", action=WordRule.Action.REFUSE)
    return [
        "/moderation/", "/moderation/bans/", "/moderation/words/", "/moderation/log/",
        f"/moderation/comments/{comment.pk}/approve/", f"/moderation/comments/{comment.pk}/reject/",
        f"/moderation/comments/{comment.pk}/spam/", f"/moderation/comments/{comment.pk}/ban/",
        f"/moderation/bans/{ban.pk}/lift/", f"/moderation/words/{rule.pk}/remove/",
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, urls):
    login = resolve_url(settings.LOGIN_URL)
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert urlsplit(response["Location"]).path == login and "next=" in response["Location"], url


def test_a_reader_without_the_permission_is_refused_everywhere(client, reader, urls):
    client.force_login(reader)
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "x", "what": "ip", "kind": "ip", "value": "198.51.100.1"}).status_code == 403, url
    assert Ban.objects.count() == 1 and WordRule.objects.count() == 1


def test_a_superuser_is_a_moderator(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@newsroom.example", "pw"))
    assert client.get("/moderation/").status_code == 200


def test_actions_take_only_post(mod_client, story):
    comment = make_comment(story)
    assert mod_client.get(f"/moderation/comments/{comment.pk}/approve/").status_code == 405
