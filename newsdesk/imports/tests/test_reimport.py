"""A new wire version of a story already imported: nothing an editor did is lost. An untouched
story takes it with a revision and an audit entry; a story changed in the newsroom since its
last import keeps the editor's work, and the wire version waits as a revision to restore."""

import json
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection

from newsdesk.audit.models import Entry
from newsdesk.conftest import make_member
from newsdesk.imports.reader import import_file
from newsdesk.stories import services
from newsdesk.stories.models import Revision, Story

pytestmark = pytest.mark.django_db


def wire_item(tmp_path, version, headline, body="<p>The ferry is back.</p>"):
    path = tmp_path / f"ferry-{version}.json"
    path.write_text(json.dumps({
        "uri": "urn:test:harbour-ferry", "type": "text", "version": str(version),
        "versioncreated": f"2024-03-01T1{version}:00:00Z", "language": "en",
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{"role": "html", "contenttype": "text/html", "value": body}],
    }), encoding="utf-8")
    return path


def imported(path):
    [outcome] = import_file(path)
    return outcome


@pytest.fixture
def editor(db):
    return make_member("edna", role="Editor")


def test_an_untouched_story_takes_the_new_version_with_a_revision_and_an_audit_entry(tmp_path):
    first = imported(wire_item(tmp_path, 1, "Harbour ferry returns"))
    second = imported(wire_item(tmp_path, 2, "Harbour ferry returns after repairs"))

    story = Story.objects.get()
    assert (first.action, second.action) == ("created", "updated")
    assert story.headline == "Harbour ferry returns after repairs" and story.revision == 1
    assert Revision.objects.get(story=story).data["headline"] == "Harbour ferry returns after repairs"
    assert Entry.objects.filter(action="import-update", target_id=str(story.pk)).exists()
    # and again with a third version: still the wire's to change
    assert imported(wire_item(tmp_path, 3, "Ferry back on its route")).action == "updated"


def test_a_story_edited_in_the_newsroom_is_not_overwritten_and_the_wire_version_waits(tmp_path, editor):
    imported(wire_item(tmp_path, 1, "Harbour ferry returns"))
    story = Story.objects.get()
    story.headline = "Ferry back: what changes for commuters"
    services.save(story, by=editor, base_revision=story.revision)

    out = StringIO()
    call_command("import", str(wire_item(tmp_path, 2, "Harbour ferry returns after repairs")), stdout=out)

    story.refresh_from_db()
    assert story.headline == "Ferry back: what changes for commuters"
    report = out.getvalue()
    assert f"conflict {tmp_path / 'ferry-2.json'}: story {story.pk}" in report and "1 conflict" in report
    wire = Revision.objects.get(story=story, number=story.revision)
    assert wire.data["headline"] == "Harbour ferry returns after repairs" and wire.author is None
    assert Entry.objects.filter(action="import-conflict", target_id=str(story.pk)).exists()

    # The same file again changes nothing more; the editor can take the wire's version.
    assert imported(wire_item(tmp_path, 2, "Harbour ferry returns after repairs")).action == "unchanged"
    assert Revision.objects.filter(story=story).count() == 2
    services.restore(story, wire, by=editor)
    story.refresh_from_db()
    assert story.headline == "Harbour ferry returns after repairs"


def test_a_withdrawn_story_stays_withdrawn(tmp_path, editor, client):
    imported(wire_item(tmp_path, 1, "Harbour ferry returns"))
    story = Story.objects.get()
    services.withdraw(story, by=editor, reason="The operator denied the report.")

    outcome = imported(wire_item(tmp_path, 2, "Harbour ferry returns after repairs"))

    story.refresh_from_db()
    assert outcome.action == "conflict"
    assert story.status == Story.Status.WITHDRAWN and story.headline == "Harbour ferry returns"
    assert client.get(story.get_absolute_url()).status_code == 410


def test_a_scheduled_publication_keeps_a_revision(editor):
    from datetime import timedelta

    from django.utils import timezone

    story = Story(kind=Story.Kind.ARTICLE, headline="Budget vote", body="<p>Tonight.</p>")
    services.save(story, by=editor)
    services.publish(story, by=editor, at=timezone.now() + timedelta(seconds=1))

    [published] = services.publish_due(now=timezone.now() + timedelta(seconds=2))

    assert published.status == Story.Status.PUBLISHED and published.revision == 3
    assert Revision.objects.get(story=published, number=3).data["status"] == Story.Status.PUBLISHED


def test_an_action_on_a_story_changed_meanwhile_is_refused_with_a_reason(editor):
    story = Story(kind=Story.Kind.ARTICLE, headline="Budget vote", body="<p>Tonight.</p>")
    services.save(story, by=editor)
    services.publish(story, by=editor)
    stale = Story.objects.get(pk=story.pk)  # a second editor's page, loaded now
    services.withdraw(story, by=editor, reason="Wrong figures.")

    with pytest.raises(services.WorkflowError, match="Someone else changed this story"):
        services.publish(stale, by=editor)
    assert Story.objects.get(pk=story.pk).status == Story.Status.WITHDRAWN


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL's row locks")
def test_concurrent_publish_withdraw_and_save_end_in_one_clean_result():
    from django.contrib.auth import get_user_model

    # an administrator: the roles' groups, made by the migrations, are gone in a flushed database
    editor = get_user_model().objects.create_superuser("edna", "edna@example.org", "a long passphrase 42")
    story = Story(kind=Story.Kind.ARTICLE, headline="Budget vote", body="<p>Tonight.</p>")
    services.save(story, by=editor)
    services.publish(story, by=editor)
    barrier, results = threading.Barrier(3), {}

    def act(name, action):
        try:
            mine = Story.objects.get(pk=story.pk)
            barrier.wait(10)
            action(mine)
            results[name] = "done"
        except services.WorkflowError as refused:
            results[name] = f"refused: {refused}"
        except Exception as error:  # a 500 in the newsroom
            results[name] = f"error: {error!r}"
        finally:
            close_old_connections()
            connection.close()

    def edit(mine):
        mine.headline = "Budget vote tonight"
        services.save(mine, by=editor, base_revision=mine.revision)

    threads = [
        threading.Thread(target=act, args=("withdraw", lambda s: services.withdraw(s, by=editor, reason="Wrong."))),
        threading.Thread(target=act, args=("publish", lambda s: services.publish(s, by=editor))),
        threading.Thread(target=act, args=("save", edit)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert not [r for r in results.values() if r.startswith("error")], results
    assert "done" in results.values()
    final = Story.objects.get(pk=story.pk)
    numbers = list(Revision.objects.filter(story=final).order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, final.revision + 1))  # one revision each, none lost or doubled
