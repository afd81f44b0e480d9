import pytest
from django.urls import reverse

from newsdesk.audit.models import Entry, record
from newsdesk.stories import services

from .conftest import make_member, write_story

pytestmark = pytest.mark.django_db


def rows(page):
    html = page.content.decode()
    return html[html.index("<tbody>"):html.index("</tbody>")].split("<tr>")[1:]


def test_the_log_lists_actions_newest_first_with_their_actor(editor_client, editor, reporter):
    story = write_story(reporter, headline="Ferry returns")
    services.publish(story, by=editor)

    page = editor_client.get(reverse("newsroom:log"))

    first, second = rows(page)
    assert "edna" in first and "publish" in first and "Ferry returns" in first
    assert "remy" in second and "create" in second
    assert f'href="{reverse("newsroom:edit-story", args=[story.pk])}"' in first


def test_the_log_filters_by_actor_action_and_target(editor_client, editor, reporter):
    ferry = write_story(reporter, headline="Ferry returns")
    services.publish(ferry, by=editor)
    write_story(editor, headline="Budget passes")

    def shown(**query):
        return [row for row in rows(editor_client.get(reverse("newsroom:log"), query))]

    assert len(shown(actor="remy")) == 1
    assert len(shown(action="create")) == 2
    assert len(shown(target="budget")) == 1
    assert len(shown(target=str(ferry.pk))) == 2
    assert len(shown(actor="edna", action="publish")) == 1


def test_the_system_is_named_as_the_site(editor_client):
    record(None, "publish", note="scheduled time reached")

    assert "the site" in rows(editor_client.get(reverse("newsroom:log")))[0]


def test_the_log_is_paginated(editor_client, editor):
    Entry.objects.bulk_create([Entry(actor=editor, action="save", target=f"Story {n}") for n in range(60)])

    page = editor_client.get(reverse("newsroom:log"), {"page": 2})

    assert len(rows(page)) == 10 and "Page 2 of 2" in page.content.decode()


@pytest.mark.parametrize("role, status", [("Editor", 200), ("Admin", 200), ("Reporter", 403), ("Moderator", 403),
                                          (None, 403)])
def test_the_log_is_for_editors_and_admins(client, role, status):
    client.force_login(make_member("someone", role))

    assert client.get(reverse("newsroom:log")).status_code == status
