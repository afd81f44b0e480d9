from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from newsdesk.people.models import Person, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def putin(db):
    return Person.objects.create(name="Vladimir Putin")


@pytest.fixture
def changing_urls(putin):
    return [
        reverse("newsroom:tag-new"),
        reverse("newsroom:tag-edit", args=["person", putin.pk]),
        reverse("newsroom:tag-merge", args=["person", putin.pk]),
        reverse("newsroom:tag-delete", args=["person", putin.pk]),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, changing_urls):
    login = resolve_url(settings.LOGIN_URL)
    for url in [reverse("newsroom:tags"), reverse("newsroom:tag-suggestions"), *changing_urls]:
        response = client.post(url) if url.endswith("/delete/") else client.get(url)
        assert response.status_code == 302, url
        assert urlsplit(response["Location"]).path == login and "next=" in response["Location"], url


def test_a_reader_is_refused_everywhere(client, reader, changing_urls):
    client.force_login(reader)
    for url in [reverse("newsroom:tags"), reverse("newsroom:tag-suggestions"), *changing_urls]:
        assert client.post(url, {"name": "Someone", "kind": "person"}).status_code == 403, url
    assert Person.objects.count() == 1


def test_a_reporter_sees_the_list_but_cannot_change_anything(client, reporter, putin, changing_urls):
    client.force_login(reporter)

    page = client.get(reverse("newsroom:tags"))
    assert page.status_code == 200 and "Vladimir Putin" in page.text
    assert reverse("newsroom:tag-edit", args=["person", putin.pk]) not in page.text
    assert reverse("newsroom:tag-new") not in page.text
    for url in changing_urls:
        assert client.get(url).status_code in (403, 405), url
        assert client.post(url, {"name": "Someone", "kind": "person", "other": "x", "keep": "this"}).status_code == 403, url
    assert list(Person.objects.values_list("name", flat=True)) == ["Vladimir Putin"]


def test_a_reporter_gets_suggestions_for_the_story_they_write(client, reporter, putin):
    client.force_login(reporter)
    assert client.post(reverse("newsroom:tag-suggestions"), {"text": "Vladimir Putin"}).status_code == 200


def test_an_editor_can_open_every_page(editor_client, putin, changing_urls):
    for url in [reverse("newsroom:tags"), *changing_urls[:3]]:
        assert editor_client.get(url).status_code == 200, url


def test_an_unknown_kind_or_number_is_404(editor_client, putin):
    assert editor_client.get(f"/newsroom/tags/place/{putin.pk}/").status_code == 404
    assert editor_client.get(f"/newsroom/tags/topic/{putin.pk}/").status_code == 404


def test_permissions_are_per_kind(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("tom", "tom@newsroom.example", "a long passphrase 42")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="people", codename__endswith="_topic"))
    user.user_permissions.add(Permission.objects.get(codename="view_person"))
    client.force_login(user)
    space, putin = Topic.objects.create(name="Space"), Person.objects.create(name="Vladimir Putin")

    assert client.get(reverse("newsroom:tag-edit", args=["topic", space.pk])).status_code == 200
    assert client.get(reverse("newsroom:tag-edit", args=["person", putin.pk])).status_code == 403
    assert client.post(reverse("newsroom:tag-new"), {"kind": "person", "name": "Someone"}).status_code == 403
    assert client.post(reverse("newsroom:tag-new"), {"kind": "topic", "name": "Oceans"}).status_code == 302
