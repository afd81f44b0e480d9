import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from newsdesk.audit.models import Entry
from newsdesk.conftest import make_article
from newsdesk.stories import services
from newsdesk.stories.models import Note, Revision, Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("edna", password="x")
    user.groups.add(Group.objects.get(name="Editor"))
    return django_user_model.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def reporter(django_user_model):
    user = django_user_model.objects.create_user("rita", password="x")
    user.groups.add(Group.objects.get(name="Reporter"))
    return django_user_model.objects.get(pk=user.pk)


def draft(**fields):
    return make_article(status=Story.Status.DRAFT, published_at=None, **fields)


def test_every_save_keeps_a_revision_and_a_stale_save_is_refused(editor, reporter):
    story = Story(headline="First words", body="<p>One</p>")
    services.save(story, by=reporter)
    opened_by_both = story.revision

    story.headline = "Editor's headline"
    services.save(story, by=editor, base_revision=opened_by_both)
    stale = Story.objects.get(pk=story.pk)
    stale.revision, stale.headline = opened_by_both, "Reporter's headline"

    with pytest.raises(services.EditConflict, match="edna saved this story while you were editing"):
        services.save(stale, by=reporter, base_revision=opened_by_both)

    assert Story.objects.get(pk=story.pk).headline == "Editor's headline"
    assert list(story.revisions.values_list("number", flat=True)) == [2, 1]


def test_reporters_send_for_review_and_editors_publish(editor, reporter, client):
    story = draft(created_by=reporter)
    services.submit_for_review(story, by=reporter)
    assert story.status == Story.Status.REVIEW

    with pytest.raises(services.WorkflowError, match="Only an editor"):
        services.publish(story, by=reporter)
    assert client.get(story.get_absolute_url()).status_code == 404

    services.publish(story, by=editor)
    assert client.get(story.get_absolute_url()).status_code == 200
    assert [e.action for e in Entry.objects.order_by("pk")] == ["submit", "publish"]


def test_scheduled_stories_publish_once_their_time_comes(editor, client):
    story = draft()
    services.publish(story, by=editor, at=timezone.now() + timedelta(minutes=30))
    assert story.status == Story.Status.SCHEDULED
    assert services.publish_due() == [] and client.get(story.get_absolute_url()).status_code == 404

    published = services.publish_due(now=timezone.now() + timedelta(minutes=31))
    assert [s.pk for s in published] == [story.pk]
    assert services.publish_due(now=timezone.now() + timedelta(minutes=32)) == []  # once only
    Story.objects.filter(pk=story.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(story.get_absolute_url()).status_code == 200


def test_publish_due_command(editor):
    story = draft()
    services.publish(story, by=editor, at=timezone.now() + timedelta(seconds=1))
    Story.objects.filter(pk=story.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    out = StringIO()

    call_command("publish-due", stdout=out)

    assert f"published {story.get_absolute_url()}" in out.getvalue()


def test_an_embargo_holds_publishing_until_it_ends(editor):
    story = draft(embargo_until=timezone.now() + timedelta(hours=2))

    services.publish(story, by=editor)

    assert story.status == Story.Status.SCHEDULED and story.published_at == story.embargo_until


def test_a_withdrawn_story_tells_readers_why(editor, client):
    story = make_article(headline="Mistaken report")

    with pytest.raises(services.WorkflowError, match="Say why"):
        services.withdraw(story, by=editor, reason="  ")
    services.withdraw(story, by=editor, reason="The source retracted the claim.")

    page = client.get(story.get_absolute_url())
    assert page.status_code == 410
    assert "This story has been withdrawn" in page.content.decode()
    assert "The source retracted the claim." in page.content.decode()
    assert "Mistaken report" not in client.get("/").content.decode()


def test_updates_and_corrections_show_on_the_story_with_their_time(editor, client):
    story = make_article()
    update = services.add_note(story, by=editor, kind=Note.Kind.UPDATE, text="Police confirmed the figures.")
    services.add_note(story, by=editor, kind=Note.Kind.CORRECTION, text="An earlier version misspelt the mayor's name.")

    html = client.get(story.get_absolute_url()).content.decode()

    assert f"Updated <time datetime=\"{timezone.localtime(update.created_at):%Y-%m-%dT%H:%M:%S%z}\">" \
           f"{timezone.localtime(update.created_at):%H:%M}</time>:</strong> Police confirmed the figures." in html
    assert "Correction:</strong> An earlier version misspelt the mayor&#x27;s name." in html
    assert "Updated <time" in html  # the last-updated time in the byline


def test_restoring_an_old_revision_makes_a_new_one(editor):
    story = Story(headline="Original", body="<p>Original text.</p>")
    services.save(story, by=editor)
    story.headline, story.body = "Changed", "<p>Changed text.</p>"
    services.save(story, by=editor)

    services.restore(story, Revision.objects.get(story=story, number=1), by=editor)

    story.refresh_from_db()
    assert story.headline == "Original" and story.revision == 3


def test_a_breaking_brief_is_live_at_once_in_the_river(editor, client):
    article = make_article()
    brief = services.publish_brief("Ferry services are suspended because of the storm.", by=editor)

    assert brief.is_live
    river = client.get(article.get_absolute_url()).content.decode().split('id="river-heading"')[1]
    assert "Ferry services are suspended because of the storm." in river


NEWSDESK = shutil.which("newsdesk", path=str(Path(sys.executable).parent)) or "newsdesk"


@pytest.mark.django_db(transaction=True)
def test_the_serving_process_publishes_scheduled_stories_on_time(tmp_path):
    from newsdesk.newsroom.tests.test_login import free_port

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG")}
    env.update(VAR_DIR=str(tmp_path), SCHEDULER_SECONDS="1")
    subprocess.run([NEWSDESK, "migrate", "-v0"], env=env, check=True)
    code = (
        "from datetime import timedelta; from django.utils import timezone; "
        "from newsdesk.stories.models import Story; "
        "s = Story.objects.create(headline='On the dot', body='<p>x</p>', status='scheduled', "
        "published_at=timezone.now() + timedelta(seconds=2)); print(s.get_absolute_url())"
    )
    url = subprocess.run([NEWSDESK, "shell", "-c", code], env=env, check=True, capture_output=True, text=True).stdout.split()[-1]
    port = free_port()
    server = subprocess.Popen([NEWSDESK, "serve", "--workers", "1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        status = None
        for _ in range(100):
            try:
                status = urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=2).status
                break
            except urllib.error.HTTPError as err:
                status = err.code
            except OSError:
                pass
            time.sleep(0.1)
        assert status == 200
    finally:
        server.terminate()
        server.wait(30)
