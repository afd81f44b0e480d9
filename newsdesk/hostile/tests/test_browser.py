"""Pages full of hostile text in Debian's headless Chromium: a story whose headline, standfirst
and body hold payloads, under hundreds of comments by readers and guests with hostile text and
names. Nothing may run: alert, confirm, prompt and print are traps, the marker function the
variants call is one, a dialog is caught, a Content-Security-Policy violation is an attempt to
run something, and the page must stay where it is, in its one frame."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from newsdesk.comments import text as comment_text
from newsdesk.comments.models import Comment
from newsdesk.conftest import make_article
from newsdesk.hostile import payloads
from newsdesk.readers.models import Reader
from newsdesk.readers.services import clean_display_name
from newsdesk.stories import body
from newsdesk.stories.models import Story
from newsdesk.testing import record_figures

pytestmark = pytest.mark.browser

TRAPS = f"""
window.__hostile = [];
const note = (what) => (...args) => {{ window.__hostile.push(what + '(' + args.join(',') + ')'); }};
window.{payloads.MARKER} = note('{payloads.MARKER}');
window.alert = note('alert'); window.confirm = note('confirm'); window.prompt = note('prompt');
window.print = note('print');
document.addEventListener('securitypolicyviolation', (e) => {{
  window.__hostile.push('csp:' + e.violatedDirective + ' ' + (e.sample || e.blockedURI));
}});
"""


def _name(payload, n):
    try:
        return clean_display_name(payload)[:50]
    except Exception:
        return f"Guest {n}"


def hostile_story(chosen):
    """An article as the newsroom would save it with payloads in every field, and a comment per
    payload (every third one by a reader whose display name is a payload)."""
    story = make_article(headline=chosen[0][:200], standfirst=chosen[1], byline=chosen[2][:100],
                         body=body.clean_html("".join(f"<p>{p}</p>" for p in chosen)))
    users = get_user_model().objects
    batch = Story.objects.count()  # one story a batch: its readers' names are its own
    for n, payload in enumerate(chosen):
        author = None
        if n % 3 == 0:
            author = users.create_user(f"reader{batch}-{n}", f"reader{batch}-{n}@example.org", "a long passphrase 42")
            Reader.objects.create(user=author, display_name=_name(payload, n), email_verified_at=timezone.now())
        Comment.objects.create(story=story, author=author, author_name=_name(payload, n), text=payload,
                               html=comment_text.render(payload), digest=str(n), status=Comment.Status.APPROVED)
    story.comment_count = len(chosen)
    story.save(update_fields=["comment_count"])
    return story


def run_in_browser(browser, url):
    """What ran on the page: trapped calls, dialogs, CSP violations, navigations and frames."""
    context = browser.new_context()
    context.add_init_script(TRAPS)
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        page.goto(url, wait_until="load")
        page.mouse.move(200, 200)  # hover and focus handlers would run now
        page.keyboard.press("Tab")
        page.wait_for_timeout(1500)  # images failing to load, timers, autofocus
        ran = page.evaluate("window.__hostile")
        moved = page.url.split("#")[0] != url.split("#")[0]
        frames = len(page.frames)
    finally:
        context.close()
    return {"ran": ran, "dialogs": dialogs, "moved": moved, "frames": frames,
            "refused": [e for e in errors if "Content Security Policy" in e]}


def check(browser, live_server, settings, chosen):
    settings.COMMENTS_PER_PAGE = len(chosen) + 1
    story = hostile_story(chosen)
    seen = run_in_browser(browser, live_server.url + story.get_absolute_url())
    assert seen["ran"] == [] and seen["dialogs"] == [] and seen["refused"] == [], seen
    assert not seen["moved"] and seen["frames"] == 1, seen
    return seen


def xss_payloads():
    return [p for p in payloads.everything() if payloads.script_like(p)]


def test_story_and_comments_full_of_payloads_run_nothing(browser, live_server, settings, transactional_db):
    chosen = payloads.sample(xss_payloads(), 200, salt="browser")
    chosen = [*payloads.sample(payloads.marker_variants(), 60, salt="browser"), *chosen]
    check(browser, live_server, settings, chosen)


@pytest.mark.reliability
@pytest.mark.timeout(900)  # 13 pages of 400 payloads take a minute or two; a page that never settles fails it
def test_every_script_like_payload_runs_nothing_in_the_browser(browser, live_server, settings, transactional_db):
    everything, batch = xss_payloads(), 400
    for start in range(0, len(everything), batch):
        check(browser, live_server, settings, everything[start:start + batch])
    record_figures("hostile-browser", payloads=len(everything), pages=-(-len(everything) // batch),
                   executions=0, dialogs=0, csp_violations=0, redirects=0)
