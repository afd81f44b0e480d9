"""Every newsroom role against every newsroom URL and action: who is let in, who is refused.

A refusal is 403 (an anonymous visitor may instead be sent to log in), and a refused
POST changes nothing in the database. URL names that do not exist yet are skipped
with the reason, so the table is checked as the newsroom's parts are written.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, URLResolver, reverse
from django.utils import timezone

from newsdesk import urls as site_urls
from newsdesk.audit.models import Entry
from newsdesk.comments.models import Comment
from newsdesk.newsroom import urls as newsroom_urls
from newsdesk.people.models import Person, Topic
from newsdesk.stories import services
from newsdesk.stories.models import Note, Revision, Story

pytestmark = pytest.mark.django_db

ROLES = ["Reporter", "Editor", "Moderator", "Admin", "reader", "anonymous"]
NEWSROOM = {"Reporter", "Editor", "Moderator", "Admin"}
WRITERS = {"Reporter", "Editor"}
EDITORS = {"Editor"}

# (URL name, method, what it acts on, the roles let in). "own" is a draft of the reporter's,
# "live" a published story and "scheduled" a scheduled one, both the editor's; "person" a person;
# "member" another reporter's account.
CASES = [
    ("newsroom:home", "get", None, NEWSROOM),
    ("newsroom:brief", "post", None, EDITORS),
    ("newsroom:revisions", "get", "own", WRITERS),
    ("newsroom:revisions", "get", "live", EDITORS),
    ("newsroom:diff", "get", "own", WRITERS),
    ("newsroom:diff", "get", "live", EDITORS),
    ("newsroom:restore", "post", "own", WRITERS),
    ("newsroom:restore", "post", "live", EDITORS),
    ("newsroom:log", "get", None, {"Editor", "Admin"}),
    ("newsroom:stories", "get", None, WRITERS),
    ("newsroom:new-story", "get", None, WRITERS),
    ("newsroom:new-story", "post", None, WRITERS),
    ("newsroom:edit-story", "get", "own", WRITERS),
    ("newsroom:edit-story", "get", "live", EDITORS),
    ("newsroom:edit-story", "post", "own", WRITERS),
    ("newsroom:edit-story", "post", "live", EDITORS),
    ("newsroom:preview", "get", "own", WRITERS),
    ("newsroom:preview", "get", "live", EDITORS),
    ("newsroom:autosave", "post", "own", WRITERS),
    ("newsroom:autosave", "post", "live", EDITORS),
    ("newsroom:submit", "post", "own", WRITERS),
    ("newsroom:publish", "post", "own", EDITORS),
    ("newsroom:schedule", "post", "own", EDITORS),
    ("newsroom:unschedule", "post", "scheduled", EDITORS),
    ("newsroom:withdraw", "post", "live", EDITORS),
    ("newsroom:note", "post", "live", EDITORS),
    ("newsroom:tags", "get", None, WRITERS),
    ("newsroom:tag-suggestions", "get", None, WRITERS),
    ("newsroom:tag-new", "get", None, EDITORS),
    ("newsroom:tag-new", "post", None, EDITORS),
    ("newsroom:tag-edit", "get", "person", EDITORS),
    ("newsroom:tag-edit", "post", "person", EDITORS),
    ("newsroom:tag-merge", "get", "person", EDITORS),
    ("newsroom:tag-merge", "post", "person", EDITORS),
    ("newsroom:tag-delete", "post", "person", EDITORS),
    ("newsroom:users", "get", None, {"Admin"}),
    ("newsroom:user-invite", "get", None, {"Admin"}),
    ("newsroom:user-invite", "post", None, {"Admin"}),
    ("newsroom:user", "get", "member", {"Admin"}),
    ("newsroom:user-roles", "post", "member", {"Admin"}),
    ("newsroom:user-deactivate", "post", "member", {"Admin"}),
    ("newsroom:user-reactivate", "post", "member", {"Admin"}),
    ("newsroom:user-link", "post", "member", {"Admin"}),
    # The page an invited person opens from their link, signed in or not.
    ("newsroom:welcome", "get", None, set(ROLES)),
    ("newsroom:welcome-done", "get", None, set(ROLES)),
    ("moderation:queue", "get", None, {"Moderator"}),
    ("moderation:undo", "post", None, {"Moderator"}),
]

# What a form might ask for; a view lets in or refuses before it reads any of it.
POST_DATA = {
    "text": "A brief from the role test.", "headline": "Changed by the role test", "body": "<p>Changed.</p>",
    "kind": "update", "reason": "Legal advice.", "at": "2099-01-01T09:00", "publish_at": "2099-01-01T09:00",
}


def url_for(name, target):
    """The URL of `name` in the site's own URLconf, or None while it does not exist."""
    if isinstance(target, Story):
        candidates = [[target.pk, target.revision], [target.pk]]
    elif target is not None:
        candidates = [[target._meta.model_name, target.pk], [target.pk]]
    else:
        # No target; an invitation's page takes a person and a token (here one that is no longer good).
        candidates = [[], ["MQ", "expired-token"]]
    for args in candidates:
        try:
            return reverse(name, args=args, urlconf=site_urls)
        except NoReverseMatch:
            continue
    return None


def member(username, role):
    user = get_user_model().objects.create_user(username, f"{username}@newsroom.example", "a long passphrase 42")
    if role in NEWSROOM:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def newsroom():
    """The reporter and the editor, a story in each state the table needs, and a person."""
    reporter, editor = member("remy", "Reporter"), member("edna", "Editor")
    own = services.save(Story(headline="Reporter's draft", body="<p>Draft.</p>"), by=reporter, action="create")
    live = services.save(Story(headline="Editor's story", body="<p>Out.</p>"), by=editor, action="create")
    services.publish(live, by=editor)
    scheduled = services.save(Story(headline="Out tomorrow", body="<p>Soon.</p>"), by=editor, action="create")
    services.publish(scheduled, by=editor, at=timezone.now() + timedelta(days=1))
    person = Person.objects.create(name="Kari Nordmann")
    return {"Reporter": reporter, "Editor": editor,
            "targets": {"own": own, "live": live, "scheduled": scheduled, "person": person,
                        "member": member("rosa", "Reporter")}}


def database_state():
    return {
        "stories": list(Story.objects.order_by("pk").values()),
        **{name: list(model.objects.order_by("pk").values_list("pk", flat=True)) for name, model in [
            ("revisions", Revision), ("notes", Note), ("entries", Entry), ("people", Person), ("topics", Topic),
            ("comments", Comment), ("users", get_user_model()),
        ]},
    }


def is_login_redirect(response):
    return response.status_code == 302 and urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, method, target_key, allowed", CASES,
                         ids=[f"{name}-{method}{'-' + key if key else ''}" for name, method, key, _ in CASES])
def test_role_against_newsroom_url(client, newsroom, role, name, method, target_key, allowed):
    url = url_for(name, newsroom["targets"][target_key] if target_key else None)
    if url is None:
        pytest.skip(f"{name} does not exist yet (that part of the newsroom is not written)")
    if role in ("Reporter", "Editor"):
        client.force_login(newsroom[role])
    elif role != "anonymous":
        client.force_login(member(role.lower(), role))
    before = database_state()

    response = client.post(url, POST_DATA) if method == "post" else client.get(url)

    where = f"{role} {method.upper()} {url} -> {response.status_code}"
    if role in allowed:
        assert response.status_code < 500 and response.status_code not in (401, 403, 404, 405), where
        assert not is_login_redirect(response), where
        return
    if role == "anonymous":
        assert is_login_redirect(response) or response.status_code == 403, where
        if is_login_redirect(response):
            assert "next=" in response["Location"], where
    else:
        assert response.status_code == 403, where
    if method == "post":
        assert database_state() == before, f"{where} changed the database"


def newsroom_url_names(patterns, prefix="newsroom:"):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from newsroom_url_names(pattern.url_patterns, prefix)
        elif pattern.name:
            yield prefix + pattern.name


def test_every_newsroom_url_has_a_row_in_the_table():
    covered = {name for name, *_ in CASES}
    missing = sorted(set(newsroom_url_names(newsroom_urls.urlpatterns)) - covered)
    assert not missing, f"add rows for {missing} to CASES in {__name__}"
