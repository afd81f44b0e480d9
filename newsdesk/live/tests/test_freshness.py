"""No page is older than a committed change plus a second: the article page and the home
page are answered from the page cache, and each change made elsewhere (a `newsdesk shell`,
as the newsroom or an import would) purges them in every serving process."""

import time

import pytest

from newsdesk.testing import SEED

from .conftest import STORIES, cached, http_get, import_page, publish_brief, river_ids, withdraw

FALLBACK_PAGE = """Harbour ferry returns after winter repairs
The ferry is back on its route after three months in dry dock, the council said on Monday.
Read next
00:05
The harbour office opens an hour earlier from Monday.
00:01
Ferry tickets go up by five per cent in spring.
"""
FRESH = 1.0  # seconds after a commit by which every page shows it


@pytest.fixture(scope="module")
def sample(server, tmp_path_factory):
    """The sample page imported: its article and its "Read next" briefs."""
    text = SEED.read_text() if SEED.is_file() else FALLBACK_PAGE
    stories = import_page(server, tmp_path_factory.mktemp("page"), "sample.txt", text)
    assert stories[0]["kind"] == "article" and len(stories) > 1
    return stories


def after_commit(server, code):
    """Run `code` in a shell; wait until a second after it committed (the command has ended)."""
    out = server.shell(code)
    time.sleep(FRESH)
    return out


def test_pages_show_each_change_a_second_after_its_commit(server, sample):
    article_id, article_path = sample[0]["id"], sample[0]["url"]
    pages = {"article": article_path, "home": "/"}
    for name, path in pages.items():
        headers, page = cached(server, path)
        keys = headers["surrogate-key"].split()
        assert "river" in keys, (name, keys)
        if name == "article":
            assert f"story:{article_id}" in keys
        assert river_ids(page), f"the {name} page's river is empty"

    # A breaking brief: at the top of both rivers.
    brief = publish_brief(server, "The harbour bridge is closed after a lorry hit it.")
    time.sleep(FRESH)
    for name, path in pages.items():
        page = http_get(server.url, path)[2]
        assert river_ids(page)[0] == brief, f"the {name} page is older than the brief a second after it"
        assert b"The harbour bridge is closed after a lorry hit it." in page

    # A correction on the article: on its page.
    for path in pages.values():
        cached(server, path)
    after_commit(server, STORIES + (
        f"services.add_note(Story.objects.get(pk={article_id}), by=None, kind='correction', "
        "text='An earlier version gave the wrong day of the meeting.')"))
    page = http_get(server.url, article_path)[2]
    assert b"An earlier version gave the wrong day of the meeting." in page, "the correction is not on the page a second after"

    # A brief in the rivers withdrawn: gone from both.
    for path in pages.values():
        cached(server, path)
    shown = river_ids(http_get(server.url, article_path)[2])
    gone = next(pk for pk in shown if pk != brief)
    assert gone in river_ids(http_get(server.url, "/")[2])
    withdraw(server, gone)
    time.sleep(FRESH)
    for name, path in pages.items():
        ids = river_ids(http_get(server.url, path)[2])
        assert gone not in ids and brief in ids, f"the {name} page's river a second after the withdrawal: {ids}"


def test_a_change_in_a_cached_page_is_answered_fresh_to_every_worker(server, sample):
    """Each of the server's workers has a cache of its own: every one of them must drop the page."""
    for _ in range(6):  # connections land on either worker
        cached(server, "/")
    brief = publish_brief(server, "The ferry timetable changes on Sunday.")
    time.sleep(FRESH)
    for _ in range(6):
        assert river_ids(http_get(server.url, "/")[2])[0] == brief

