"""What the sanitiser keeps of a body, and how a kept body reaches readers: what the editor
writes is stored unchanged (so it opens again the same), links get rel and pictures their
renditions only when a page is rendered."""

import pytest

from newsdesk.stories.body import clean_html, embed_of, html_to_text
from newsdesk.stories.rendering import reader_body

# What the newsroom's editor writes for a story with every kind of block.
EDITOR_BODY = (
    "<p>The ferry runs <em>again</em> from <strong>Monday</strong>.</p><h2>The new timetable</h2><h3>Weekdays</h3>"
    "<ul><li><p>Every hour</p></li><li><p>Every two hours<br>on Sundays</p></li></ul><ol><li><p>First</p></li></ol>"
    '<p>Ask <a href="https://ferries.example/timetable">the operator</a> or <a href="mailto:desk@ferries.example" '
    'title="The desk">write</a>.</p><blockquote><p>We are back.</p></blockquote>'
    '<blockquote class="pull-quote"><p>Every hour, on the hour.</p></blockquote>'
    '<figure data-picture="7"><img src="/media/pictures/abc-640.jpg" alt="The harbour &amp; its &quot;boats&quot;">'
    "<figcaption>Boats at 5 am &lt;sharp&gt;.<small>Ann Lee/Coast News</small></figcaption></figure>"
    '<figure data-embed="youtube"><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></figure><p>Two  spaces kept.</p><p></p>"
)


def test_what_the_editor_writes_is_stored_unchanged():
    assert clean_html(EDITOR_BODY) == EDITOR_BODY


def test_links_are_stored_without_rel_and_get_it_when_rendered():
    stored = clean_html('<p><a href="https://example.org/" rel="nofollow" target="_blank">x</a></p>')

    assert stored == '<p><a href="https://example.org/">x</a></p>'
    assert reader_body(stored) == '<p><a href="https://example.org/" rel="noopener">x</a></p>'


@pytest.mark.parametrize("dirty, kept", [
    # A picture of another site, or an image anywhere but in a picture's figure, is dropped.
    ('<figure data-picture="1"><img src="https://tracker.example/x.gif" alt="x"></figure><p>a</p>', "<p>a</p>"),
    ('<p>Hi <img src="/media/x.jpg" onerror="alert(1)"></p>', "<p>Hi </p>"),
    ('<figure data-picture="x1"><img src="/media/x.jpg" alt="x"></figure>', ""),
    # A figure is a block of the body itself, not inside a list or a quote.
    ('<ul><li><figure data-picture="1"><img src="/media/x.jpg" alt="x"></figure>One</li></ul>', "<ul><li>One</li></ul>"),
    # Captions are text; the credit is the one <small> in them.
    ('<figure data-picture="2" class="wide"><img alt=" A  b " src="/m/p.jpg" width="9"><figcaption> A <em>fine</em> '
     "day <small>Jo</small></figcaption></figure>",
     '<figure data-picture="2"><img src="/m/p.jpg" alt="A b"><figcaption>A fine day<small>Jo</small></figcaption></figure>'),
    # Only embeds of the allowed kinds, kept as their one address.
    ('<figure data-embed="youtube"><a href="https://youtu.be/dQw4w9WgXcQ?t=3">v</a></figure>',
     '<figure data-embed="youtube"><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></figure>"),
    ('<figure data-embed="youtube"><a href="https://evil.example/watch?v=dQw4w9WgXcQ">v</a></figure>', ""),
    ('<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe><p>a</p>', "<p>a</p>"),
    ('<blockquote class="pull-quote wide" style="color:red"><p>q</p></blockquote>',
     '<blockquote class="pull-quote"><p>q</p></blockquote>'),
])
def test_the_sanitiser_keeps_only_the_editors_forms(dirty, kept):
    assert clean_html(dirty) == kept
    assert clean_html(kept) == kept


@pytest.mark.parametrize("url, found", [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10", ("youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")),
    ("https://youtube.com/shorts/dQw4w9WgXcQ", ("youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")),
    ("https://vimeo.com/76979871", ("vimeo", "https://vimeo.com/76979871")),
    ("https://twitter.com/nasa/status/123456", ("x", "https://x.com/nasa/status/123456")),
    ("https://www.instagram.com/reel/C1a2B3c4D5/", ("instagram", "https://www.instagram.com/p/C1a2B3c4D5/")),
    ("https://example.org/watch?v=dQw4w9WgXcQ", None),
    ("javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ", None),
])
def test_embeds_of_the_allowed_kinds(url, found):
    assert embed_of(url) == found


def test_summaries_and_search_leave_pictures_and_embeds_out():
    assert html_to_text(EDITOR_BODY).splitlines()[0] == "The ferry runs again from Monday."
    assert "Boats" not in html_to_text(EDITOR_BODY) and "youtube" not in html_to_text(EDITOR_BODY)


def test_an_embed_reaches_readers_as_a_link_and_no_frame():
    html = reader_body(clean_html('<figure data-embed="vimeo"><a href="https://vimeo.com/76979871">v</a></figure>'))

    assert html == ('<figure class="embed embed-vimeo"><a href="https://vimeo.com/76979871" rel="noopener">'
                    '<span class="embed-kind">On Vimeo:</span> <span class="embed-url">vimeo.com/76979871</span></a></figure>')


@pytest.mark.django_db
def test_a_picture_in_the_body_reaches_readers_with_its_renditions(settings, tmp_path):
    from newsdesk.pictures.tests.conftest import jpeg, store

    settings.MEDIA_ROOT, settings.ORIGINALS_ROOT = tmp_path / "media", tmp_path / "originals"
    picture = store(jpeg(size=(2000, 1200)), alt="The harbour")
    stored = clean_html(f'<figure data-picture="{picture.pk}"><img src="{picture.src(640)}" alt="The harbour &amp; boats">'
                        "<figcaption>Dawn.<small>Ann Lee</small></figcaption></figure>")

    html = reader_body(stored)

    assert html.startswith('<figure class="picture picture-article picture-body"><img src="')
    assert f'srcset="{picture.srcset}"' in html and len(picture.renditions) >= 2
    assert 'alt="The harbour &amp; boats" loading="lazy">' in html
    assert '<figcaption>Dawn. <span class="picture-credit">· Ann Lee</span></figcaption>' in html
    picture.delete()
    assert reader_body(stored) == ""  # a deleted picture leaves no broken image
