"""The corpus is what its NOTICE says, and the page check finds live markup where there is some."""

import re

from newsdesk.hostile import payloads
from newsdesk.hostile.markup import live_markup


def test_corpus_holds_thousands_of_distinct_payloads_of_each_kind():
    counts = payloads.counts()

    assert counts["naughty_strings"] > 400 and counts["xss"] > 200 and counts["sqli"] > 400
    assert counts["total"] > 5000
    everything = payloads.everything()
    assert len(everything) == len(set(everything)) == counts["total"]
    assert "<script>alert(1)</script>" in everything
    assert "' or 1=1--" in everything
    assert f"<svg onload={payloads.MARKER}(1)>" in everything


def test_notice_gives_the_count_of_every_list_it_names():
    notice = (payloads.CORPUS / "NOTICE.md").read_text()

    for name in payloads.XSS_FILES + payloads.SQLI_FILES:
        lines = payloads._lines(name)
        assert re.search(rf"`seclists/{re.escape(name)}`.*\| {len(lines)} \|", notice), name
    assert f"| {len(payloads.collected('naughty'))} |" in notice
    assert "MIT" in notice


def test_sample_is_the_same_on_every_run_and_spread_over_the_lists():
    first = payloads.sample(payloads.everything(), 200, salt="comments")

    assert first == payloads.sample(payloads.everything(), 200, salt="comments")
    assert first != payloads.sample(payloads.everything(), 200, salt="slugs")
    assert set(first) & set(payloads.collected("sqli")) and set(first) & set(payloads.breakout_variants())


PAGE = ('<!doctype html><html><head><link rel="stylesheet" href="/static/site/site.css">'
        '<script src="/static/site/csrf.js" defer></script></head><body>'
        '<form method="post" action="/comments/stories/1/"><textarea name="text">{}</textarea></form>'
        '<p>{}</p></body></html>')


def test_page_check_passes_escaped_payloads_and_finds_live_ones():
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;"
    assert live_markup(PAGE.format(escaped, escaped)) == []

    for live in ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<svg/onload=alert(1)>',
                 '<a href=" jav&#x09;ascript:alert(1)">x</a>', '<iframe src=//example.org>',
                 '<meta http-equiv="refresh" content="0;url=//example.org">', '<base href=//0>',
                 '<form action=//example.org><input type=submit>', '<object data=x>', '<embed src=x>',
                 '<math><brute xlink:href=javascript:alert(1)>click', '<x style="color:red">']:
        assert live_markup(PAGE.format("", live)), live
    # Closing the textarea is what makes a payload inside it live.
    assert live_markup(PAGE.format("</textarea><script>alert(1)</script>", ""))
