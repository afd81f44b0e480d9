"""Every payload of the corpus through the text paths that run in-process: a comment's
formatting, a story body's sanitiser, a display name's cleaning, slugs and the text importer.
Cheap enough to run whole in the everyday suite."""

from django.core.exceptions import ValidationError

from newsdesk.comments import text as comment_text
from newsdesk.hostile import payloads
from newsdesk.hostile.markup import live_markup
from newsdesk.imports.services import ImportFailed
from newsdesk.imports.text import parse_text
from newsdesk.readers.services import clean_display_name
from newsdesk.slugs import slugify
from newsdesk.stories import body
from newsdesk.testing import record_figures

PAGE = "<!doctype html><html><head><title>t</title></head><body><article>{}</article></body></html>"


def _live(fragment):
    return live_markup(PAGE.format(fragment))


def test_no_comment_text_renders_as_live_markup():
    failures = [(p, found) for p in payloads.everything() if (found := _live(comment_text.render(p)))]
    record_figures("hostile-comment-text", payloads=len(payloads.everything()), live=len(failures))
    assert not failures, failures[:5]


def test_no_story_body_keeps_live_markup_through_the_sanitiser():
    failures = [(p, found) for p in payloads.everything() if (found := _live(body.clean_html(p)))]
    record_figures("hostile-story-body", payloads=len(payloads.everything()), live=len(failures))
    assert not failures, failures[:5]


def test_every_display_name_is_cleaned_or_refused_with_a_reason():
    kept = refused = 0
    for payload in payloads.everything():
        try:
            name = clean_display_name(payload)
        except ValidationError as error:
            assert error.messages and error.messages[0], payload
            refused += 1
        else:
            assert 2 <= len(name) <= 50 and name == name.strip(), payload
            assert not any(ch in name for ch in "\u202e\u200b\x00"), payload
            kept += 1
    record_figures("hostile-display-names", payloads=kept + refused, kept=kept, refused=refused, errors=0)


def test_every_slug_is_plain_ascii():
    for payload in payloads.everything():
        slug = slugify(payload)
        assert slug == "" or all(c.isascii() and (c.isalnum() or c == "-") for c in slug), (payload, slug)


def test_text_importer_reads_or_refuses_every_payload_as_a_page():
    read = refused = 0
    for payload in payloads.everything():
        raw = f"{payload}\nThe council met on {payload} at noon.\nRead next\n12:05\n{payload}\n".encode(
            "utf-8", "surrogatepass")
        try:
            items = parse_text("page.txt", raw)
        except ImportFailed as failed:
            assert str(failed).startswith("page.txt:"), payload
            refused += 1
            continue
        read += 1
        for item in items:
            assert not _live(body.clean_html(item.body_html)), payload
    record_figures("hostile-text-import-parse", payloads=read + refused, read=read, refused=refused, errors=0)
