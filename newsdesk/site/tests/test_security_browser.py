"""The Content-Security-Policy in Chromium: the pages break none of its rules, their style
sheet applies, and a script injected into a page's markup does not run."""

import pytest

from newsdesk.conftest import make_article, make_brief
from newsdesk.people.models import Person

pytestmark = pytest.mark.browser

WATCH = """document.addEventListener('securitypolicyviolation', e =>
    (window.cspViolations = window.cspViolations || []).push(e.effectiveDirective + ' ' + e.blockedURI))"""


def test_reader_pages_break_no_rule_of_the_policy_and_keep_their_style(transactional_db, live_server, browser):
    article = make_article(headline="Ferry returns", people=[Person.named("Vladimir Putin")])
    make_brief("The council approved the budget.", people=[Person.named("Vladimir Putin")])
    page = browser.new_page()
    try:
        page.add_init_script(WATCH)
        for path in ("/", article.get_absolute_url(), "/account/login/", "/no-such-page/"):
            page.goto(live_server.url + path, wait_until="load")
            page.wait_for_timeout(300)
            assert page.evaluate("window.cspViolations || []") == [], path
            # site.css, now a file of its own, still styles the page
            assert page.evaluate("getComputedStyle(document.querySelector('.masthead')).borderBottomWidth") == "3px"
    finally:
        page.context.close()


def test_a_script_slipped_into_a_page_does_not_run(transactional_db, live_server, browser):
    make_article(headline="Ferry returns")
    page = browser.new_page()
    try:
        page.add_init_script(WATCH)
        page.goto(live_server.url + "/", wait_until="load")
        # As if a body had let markup through: an inline script and an inline handler.
        page.evaluate("""() => {
            const box = document.createElement('div');
            box.innerHTML = '<img src="data:," onerror="window.pwned = 1">';
            document.body.append(box);
            const script = document.createElement('script');
            script.textContent = 'window.pwned = 2';
            document.body.append(script);
        }""")
        page.wait_for_timeout(300)
        assert page.evaluate("window.pwned") is None
        assert any(v.startswith("script-src") for v in page.evaluate("window.cspViolations"))
    finally:
        page.context.close()
