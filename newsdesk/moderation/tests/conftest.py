import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from newsdesk.comments.models import Comment
from newsdesk.conftest import make_article


def make_comment(story, text="The ferry timetable is wrong again.", **fields):
    """A comment as the comments app stores it: waiting for a moderator unless told otherwise."""
    fields.setdefault("author_name", "Gus Guest")
    fields.setdefault("status", Comment.Status.PENDING)
    fields.setdefault("html", f"<p>{text}</p>")
    return Comment.objects.create(story=story, text=text, digest=Comment.digest_of(text), **fields)


@pytest.fixture
def story(db):
    return make_article(headline="Harbour ferry returns after winter repairs")


@pytest.fixture
def moderator(db):
    user = get_user_model().objects.create_user("maja", "maja@newsroom.example", "a long passphrase 42")
    user.user_permissions.add(Permission.objects.get(codename="moderate_comment", content_type__app_label="comments"))
    return user


@pytest.fixture
def reader(db):
    return get_user_model().objects.create_user("rita", "rita@example.org", "a long passphrase 42")


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client
