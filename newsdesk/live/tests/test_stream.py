"""GET /live/stream on a real `newsdesk serve`, read with a plain HTTP client: what an open
page receives as the newsroom publishes, and what it gets back after a lost connection."""

import pytest

from .conftest import EDITOR, STORIES, Stream, import_page, publish_brief, story_event

PAGE = """Harbour ferry returns after winter repairs
The ferry is back on its route after three months in dry dock, the council said on Monday.
What is your opinion on this topic?
Leave the first comment
"""


@pytest.fixture(scope="module")
def article(server, tmp_path_factory):
    (story,) = import_page(server, tmp_path_factory.mktemp("page"), "ferry.txt", PAGE)
    return story


def test_a_stream_resumes_after_the_last_event_received_and_misses_nothing(server):
    stream = Stream(server.url)
    try:
        first = publish_brief(server, "The bridge is closed for the night.")
        second = publish_brief(server, "The bridge opens again at six.")
        seen = stream.until(story_event(second), timeout=5)
    finally:
        stream.close()
    stories = [(e["event"], e["data"]["story"]) for e in seen]
    assert stories == [("story", first), ("story", second)], seen
    assert int(seen[0]["id"]) < int(seen[1]["id"])
    assert 'data-story="%d"' % first in seen[0]["data"]["river"]
    assert "The bridge is closed for the night." in seen[0]["data"]["river"]
    last_id = seen[-1]["id"]

    third = publish_brief(server, "Ferries run through the night instead.")
    # Resumed from the last event received, as a browser's EventSource does after a lost connection.
    stream = Stream(server.url, headers={"Last-Event-ID": last_id})
    try:
        seen = stream.until(story_event(third), timeout=5)
        seen += stream.drain(1)
    finally:
        stream.close()
    assert [(e["event"], e["data"]["story"]) for e in seen] == [("story", third)], seen
    assert int(seen[0]["id"]) > int(last_id)


def test_a_story_stream_gets_its_comments_and_other_streams_do_not(server, article):
    story_id = article["id"]
    with_story = Stream(server.url, f"/live/stream?story={story_id}")
    plain = Stream(server.url)
    try:
        comment_id = int(server.shell(EDITOR + STORIES + (
            "from newsdesk.comments import services as comments; "
            f"story = Story.objects.get(pk={story_id}); "
            "comment = comments.post(story, text='The new cafe on the upper deck is lovely.', "
            "name='Guest Reader', email='guest@example.org'); "
            "assert comment.status == 'pending', comment.status; "
            "comments.approve(comment, by=editor); print(comment.pk)"
        )))
        seen = with_story.until(story_event(story_id, "comment"), timeout=5)
        comment = seen[-1]["data"]
        assert comment["comment"] == comment_id and comment["count"] == 1
        assert "The new cafe on the upper deck is lovely." in comment["html"]
        assert "Guest Reader" in comment["html"]

        # Events arrive in order: once the plain stream has the brief published after the
        # approval, it would have had the comment before it.
        marker = publish_brief(server, "The harbour master retires.")
        seen = plain.until(story_event(marker), timeout=5)
        assert not [e for e in seen if e["event"] in ("comment", "uncomment")], seen
        assert with_story.until(story_event(marker), timeout=5)[-1]["event"] == "story"
    finally:
        with_story.close()
        plain.close()


def test_a_reader_further_behind_than_is_kept_gets_the_latest_stories(server):
    """A page made long before a server restarted, hundreds of changes ago: its stream sends
    the latest stories (rendered once for every such reader), not everything it missed."""
    from newsdesk.live.hub import PRELOAD, SNAPSHOT_SIZE

    stream = Stream(server.url)
    try:
        first = publish_brief(server, "A long night at the harbour begins.")
        (*_, start) = stream.until(story_event(first), timeout=5)
    finally:
        stream.close()
    last = int(server.shell(EDITOR + STORIES + (
        f"pks = [services.publish_brief(f'Harbour update {{n}}.', by=editor).pk for n in range({PRELOAD + 20})]; "
        "print(pks[-1])")))
    server.stop()  # a restarted server keeps the last PRELOAD events' messages, not more
    server.start()
    server.wait()
    stream = Stream(server.url, headers={"Last-Event-ID": start["id"]})
    try:
        seen = stream.until(story_event(last), timeout=10)
        seen += stream.drain(1)
    finally:
        stream.close()
    stories = [e["data"]["story"] for e in seen if e["event"] == "story"]
    assert len(stories) <= SNAPSHOT_SIZE and stories[-1] == last
    assert len({e["id"] for e in seen}) == 1  # all as of one moment: the latest event
    # A reader only a few changes behind gets exactly those, kept since the restart.
    latest = int(seen[-1]["id"])
    stream = Stream(server.url, headers={"Last-Event-ID": str(latest - 3)})
    try:
        seen = stream.drain(1.5)
    finally:
        stream.close()
    assert [int(e["id"]) for e in seen] == [latest - 2, latest - 1, latest], seen
    assert seen[-1]["data"]["story"] == last
