"""Browser checks of the reader pages and the newsroom's.

Every reader page is valid HTML (W3C Nu validator: 0 errors); every page of the site and of the
newsroom (signed in) has no axe-core violations at desktop and phone width, does not scroll
sideways on a 390 px phone, and refers by aria-* only to elements that exist; an article prints
with its address and date and without navigation, forms or buttons; and the article page scores
at least 95 in each of Lighthouse's four categories. The tools are the ones pinned in package-lock.json (`npm ci`), driven
in Debian's headless Chromium against pytest-django's live server.

Outside CI a missing browser or node_modules skips these tests with the reason;
with CI=true it fails them.
"""

import io
import json
import os
import subprocess
from datetime import timedelta
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import loader
from django.utils import timezone

from newsdesk.conftest import make_article, make_brief
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section
from newsdesk.testing import (
    CHROME_FLAGS, CHROMIUM, DESKTOP, LIGHTHOUSE, PHONE, SCREENSHOTS, SEED,
    axe_violations, need_chromium, need_node_tool, need_program, nu_errors, signed_in_context,
)

pytestmark = pytest.mark.browser

LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE_MIN_SCORE = 0.95
MASTHEAD_MAX_HEIGHT = 112  # px on a phone: two short rows
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


@pytest.fixture
def reader_pages(transactional_db, live_server):
    """Every kind of reader page, with content on it: {name: absolute URL}."""
    now = timezone.now()
    if SEED.is_file():  # the real sample page: an article and its "Read next" briefs
        call_command("import", str(SEED), "--date", timezone.localdate().isoformat(), stdout=io.StringIO(), stderr=io.StringIO())

    section = Section.named("World")
    person = Person.named("Vladimir Putin")
    topic = Topic.named("Space")
    topic.description = "Rockets, satellites and the people who send them up."
    topic.save()
    article = make_article(
        headline="Harbour ferry returns after winter repairs",
        standfirst="The town's only link to the islands is back, a month later than planned.",
        body=(
            "<p>The ferry sailed at seven on Monday morning with forty passengers aboard.</p>"
            "<h2>A month late</h2>"
            "<p>Repairs to the hull took longer than the yard had said, <em>the council</em> was told.</p>"
            "<blockquote><p>We are glad to have her back.</p></blockquote>"
            '<p>The timetable is on <a href="https://example.org/ferry">the operator\'s site</a>.</p>'
        ),
        byline="Ana Berg",
        source="Tass",
        section=section,
        people=[person],
        topics=[topic],
        published_at=now - timedelta(minutes=20),
    )
    brief = make_brief(
        "The council approved the new ferry budget.", people=[person], link=article,
        published_at=now - timedelta(minutes=10),
    )
    day = timezone.localtime(article.published_at).date()
    from newsdesk.search import services as search

    search.refresh([article.pk, brief.pk])  # made as rows: indexed as the newsroom's saves index them
    paths = {
        "home": "/",
        "article": article.get_absolute_url(),
        "brief": brief.get_absolute_url(),
        "section": section.get_absolute_url(),
        "person": person.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "archive": "/archive/",
        "archive-day": f"/archive/{day:%Y/%m/%d}/",
        "not-found": "/no-such-page/",
        "search": "/search/?q=ferry+council",
        "search-help": "/search/",
        "sections": "/sections/",
        "people": "/people/",
        "site-map": "/site-map/",
        "sign-in": "/account/login/",
        "sign-up": "/account/signup/",
        "password-reset": "/account/password/reset/",
    }
    return {name: live_server.url + path for name, path in paths.items()}


@pytest.fixture
def newsroom_pages(reader_pages, live_server):
    """Every kind of newsroom page, with content on it, and the editor who sees them: ({name: URL}, user)."""
    from django.contrib.auth.models import Group

    from newsdesk.comments import services as comments
    from newsdesk.conftest import make_member, write_story
    from newsdesk.stories.models import Story

    editor = make_member("edna", "Editor")
    editor.groups.add(Group.objects.get(name="Moderator"), Group.objects.get(name="Admin"))
    draft = write_story(editor, headline="Bridge repairs start on Monday",
                        body="<p>The bridge closes for a month.</p><p>Buses take the long way round.</p>")
    from newsdesk.stories import services

    draft.body += "<p>The council apologised.</p>"
    services.save(draft, by=editor, base_revision=draft.revision)  # a second revision, to compare
    article = Story.objects.get(headline="Harbour ferry returns after winter repairs")
    comments.post(article, text="Will the timetable change in summer?", user=None, name="Gus Guest",
                  email="gus@example.org", ip="192.0.2.1")  # a guest's comment waits in the queue
    person = Person.objects.get(name="Vladimir Putin")
    from newsdesk.wire import ingest
    from newsdesk.wire.models import Channel, Rule, WireItem

    copy = {"uri": "urn:tass:kremlin-1", "version": "1", "type": "text", "language": "en", "urgency": 3,
            "headline": "Kremlin says talks will go on", "copyrightholder": "TASS", "byline": "Ivan Petrov",
            "body_html": "<p>Dmitry Peskov said the talks would go on next week.</p>"}
    ingest.take_in(ingest.read_bytes("tass.json", json.dumps(copy).encode()), file="tass.json")  # on the desk
    item = WireItem.objects.first()
    channel = Channel.objects.create(name="TASS drop folder", path="var/wire/tass")
    rule = Rule.objects.create(name="Kremlin to World", words="Kremlin")
    paths = {
        "desk": "/newsroom/",
        "stories": "/newsroom/stories/",
        "new-story": "/newsroom/stories/new/",
        "edit-story": f"/newsroom/stories/{draft.pk}/",
        "preview": f"/newsroom/stories/{draft.pk}/preview/",
        "revisions": f"/newsroom/revisions/{draft.pk}/",
        "diff": f"/newsroom/revisions/{draft.pk}/diff/",
        "log": "/newsroom/log/",
        "tags": "/newsroom/tags/",
        "new-tag": "/newsroom/tags/new/",
        "edit-tag": f"/newsroom/tags/person/{person.pk}/",
        "pictures": "/newsroom/pictures/",
        "moderation": "/moderation/",
        "bans": "/moderation/bans/",
        "words": "/moderation/words/",
        "moderation-log": "/moderation/log/",
        "security": "/newsroom/security/",
        "sessions": "/newsroom/sessions/",
        "tokens": "/newsroom/tokens/",
        "users": "/newsroom/users/",
        "user": f"/newsroom/users/{editor.pk}/",
        "invite": "/newsroom/users/invite/",
        "wire": "/newsroom/wire/",
        "wire-item": f"/newsroom/wire/{item.pk}/",
        "channels": "/newsroom/wire/channels/",
        "channel": f"/newsroom/wire/channels/{channel.pk}/",
        "new-channel": "/newsroom/wire/channels/new/",
        "rules": "/newsroom/wire/rules/",
        "edit-rule": f"/newsroom/wire/rules/{rule.pk}/",
    }
    return {name: live_server.url + path for name, path in paths.items()}, editor


def fetch(url):
    """The status and HTML source of a page, error pages included."""
    try:
        with urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except HTTPError as err:
        return err.code, err.read().decode()


def server_error_page(template="500.html", **context):
    from newsdesk.site.security import ERROR_PAGE_CSS

    return loader.get_template(template).render({"site_name": settings.SITE_NAME, "error_css": ERROR_PAGE_CSS, **context})


def test_every_reader_page_is_valid_html(reader_pages):
    pages = {}
    for name, url in reader_pages.items():
        status, html = fetch(url)
        assert status == (404 if name == "not-found" else 200), f"{name}: {url} answered {status}"
        pages[name] = html
    # The server error page is rendered without the database, as the handler does.
    pages["server-error"] = server_error_page()
    # And the 503 pages, for a reader and for a comment, while the database is away.
    pages.update({f"unavailable-{kind}": server_error_page("503.html", writing=writing)
                  for kind, writing in (("reading", False), ("writing", True))})
    assert len(pages) == len(reader_pages) + 3

    errors = nu_errors(pages)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)


# The aria-* attributes that name other elements by id.
ARIA_REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-owns", "aria-activedescendant",
                   "aria-details", "aria-errormessage", "aria-flowto")
MISSING_REFERENCES = """(names) => {
    const missing = [];
    for (const element of document.querySelectorAll("*")) {
        for (const name of [...names, "for"]) {
            if (name === "for" && element.tagName !== "LABEL") continue;
            for (const id of (element.getAttribute(name) || "").split(/\\s+/).filter(Boolean)) {
                if (!document.getElementById(id)) missing.push(`<${element.tagName.toLowerCase()} ${name}="${element.getAttribute(name)}">: no #${id}`);
            }
        }
    }
    return missing;
}"""


# The elements reaching past the screen's edge that no scrolling box of their own holds in.
WIDE_ELEMENTS = """(limit) => [...document.querySelectorAll('body *')].filter(element => {
    if (element.getBoundingClientRect().right <= limit + 1) return false;
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
        if (getComputedStyle(box).overflowX !== 'visible') return false;
    }
    return true;
}).slice(0, 5).map(element => element.tagName.toLowerCase() + (element.className ? '.' + element.className : ''))"""


def visit(browser, live_server, pages, user, viewport):
    """(name, url, page) for each of `pages` opened in one tab at `viewport`, signed in as `user` if any."""
    phone = viewport is PHONE
    options = {"viewport": viewport, "is_mobile": phone, "has_touch": phone}
    context = signed_in_context(browser, live_server, user, **options) if user else browser.new_context(**options)
    try:
        page = context.new_page()
        for name, url in pages.items():
            page.goto(url, wait_until="load")
            yield name, url, page
    finally:
        context.close()


def all_pages(reader_pages, newsroom_pages):
    """(pages, user) groups: the reader pages as a guest, the newsroom's signed in."""
    pages, editor = newsroom_pages
    return ((reader_pages, None), (pages, editor))


def test_every_page_passes_axe_refers_to_no_missing_element_and_fits_a_phone(reader_pages, newsroom_pages, browser, live_server):
    """Each page of the site (as a guest) and of the newsroom (signed in), opened once at each width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    error_html = server_error_page()
    failures, dangling, wide, tall = {}, {}, {}, {}
    for viewport_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        for pages, user in all_pages(reader_pages, newsroom_pages):
            for name, url, page in visit(browser, live_server, pages, user, viewport):
                if violations := axe_violations(page):
                    failures[f"{name} ({viewport_name}, {url})"] = "\n".join(violations)
                if missing := page.evaluate(MISSING_REFERENCES, list(ARIA_REFERENCES)):
                    dangling[f"{name} ({viewport_name})"] = missing
                if viewport is PHONE:  # no sideways scrolling, and a header of two short rows
                    width = page.evaluate("document.scrollingElement.scrollWidth")
                    if width > page.evaluate("innerWidth"):
                        wide[name] = f"{width} px wide ({url}): {page.evaluate(WIDE_ELEMENTS, PHONE['width'])}"
                    if (header := page.locator("header.masthead").bounding_box()["height"]) > MASTHEAD_MAX_HEIGHT:
                        tall[name] = f"{header:.0f} px"
                if name == "article":
                    page.screenshot(path=str(SCREENSHOTS / f"article-{viewport_name}.png"), full_page=True)
                    if os.environ.get("UPDATE_DOCS_SCREENSHOTS"):  # the README's pictures of the article
                        page.screenshot(path=str(DOCS_SCREENSHOTS / f"article-{viewport_name}.png"), full_page=True)
        with browser.new_context(viewport=viewport) as context:
            page = context.new_page()
            page.set_content(error_html)  # the server error page, which needs no server
            if violations := axe_violations(page):
                failures[f"server-error ({viewport_name})"] = "\n".join(violations)
    assert not dangling, "aria-* references to no element:\n" + "\n".join(f"{k}: {v}" for k, v in dangling.items())
    assert not wide, "pages wider than a 390 px phone:\n" + "\n".join(f"{k}: {v}" for k, v in wide.items())
    assert not tall, f"headers over {MASTHEAD_MAX_HEIGHT} px on a phone: {tall}"
    assert not failures, "axe-core violations:\n" + "\n".join(f"{page}:\n{report}" for page, report in failures.items())


def test_an_article_prints_with_its_address_and_date_without_navigation_forms_or_buttons(reader_pages, browser):
    from playwright.sync_api import expect

    url = reader_pages["article"]
    with browser.new_context(viewport=DESKTOP) as context:
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.emulate_media(media="print")
        expect(page.get_by_role("heading", level=1)).to_have_text("Harbour ferry returns after winter repairs")
        expect(page.locator(".body")).to_contain_text("The ferry sailed at seven on Monday morning")
        expect(page.locator(".story-meta time")).to_be_visible()  # its date
        expect(page.get_by_text(url, exact=True)).to_be_visible()  # its address
        for hidden in ("nav", "form", "button", "input", "textarea", ".river", ".skip", ".account-links", ".tags",
                       "footer"):
            shown = [element for element in page.locator(hidden).all() if element.is_visible()]
            assert not shown, f"{len(shown)} {hidden} printed"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(SCREENSHOTS / "article-print.pdf"))  # to look at; Chromium lays it out for paper
        page.emulate_media(media="screen")
        expect(page.get_by_text(url, exact=True)).to_be_hidden()  # on screen the address bar has it


# What the focused element shows: its text's contrast with its background, and its outline's
# with the background around it (WCAG 2.x: 4.5:1 for text, 3:1 for a focus indicator).
FOCUS_CONTRAST = """() => {
    const rgb = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
        const [R, G, B] = [r, g, b].map(c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * R + 0.7152 * G + 0.0722 * B;
    };
    const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const background = (element) => {
        for (let box = element; box; box = box.parentElement) {
            const colour = rgb(getComputedStyle(box).backgroundColor);
            if (colour.length === 3 || colour[3] > 0) return colour.slice(0, 3);
        }
        return [255, 255, 255];
    };
    const element = document.activeElement;
    const style = getComputedStyle(element);
    if (element === document.body) return null;  // past the last control
    const label = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') +
        (element.className ? '.' + element.className : '') + ' "' +
        (element.innerText || element.value || '').trim().slice(0, 30) + '"';
    return {
        label,
        text: (element.innerText || '').trim() ? ratio(rgb(style.color).slice(0, 3), background(element)) : null,
        outline: style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2 ? 0
            : ratio(rgb(style.outlineColor).slice(0, 3), background(element.parentElement || element)),
    };
}"""


def test_every_focused_control_keeps_its_text_readable_and_shows_a_clear_outline(reader_pages, newsroom_pages, browser, live_server):
    pages, editor = newsroom_pages
    faults = []
    for chosen, user in (({"article": reader_pages["article"]}, None), ({"edit-story": pages["edit-story"]}, editor)):
        for name, url, page in visit(browser, live_server, chosen, user, DESKTOP):
            for _ in range(40):  # the skip link first, then the masthead, the story, the forms
                page.keyboard.press("Tab")
                focus = page.evaluate(FOCUS_CONTRAST)
                if focus is None:
                    break
                if focus["text"] is not None and focus["text"] < 4.5:
                    faults.append(f"{name}: {focus['label']} text {focus['text']:.2f}:1 when focused")
                if focus["outline"] < 3:
                    faults.append(f"{name}: {focus['label']} focus outline {focus['outline']:.2f}:1")
            if user is None:  # the first Tab on a reader page shows the skip link (the editor's focuses the headline)
                page.goto(url)
                page.keyboard.press("Tab")
                assert page.evaluate("document.activeElement.className") == "skip"
                assert page.locator(".skip").is_visible()
    assert not faults, "\n".join(dict.fromkeys(faults))


def run_lighthouse(url, report_path, attempts=3):
    """One Lighthouse report. On a loaded machine Chromium's trace is sometimes lost
    ("NO_NAVSTART ... Please run Lighthouse again"): that run is retried, as it asks."""
    for attempt in range(1, attempts + 1):
        run = subprocess.run(
            [
                str(LIGHTHOUSE), url, "--output=json", f"--output-path={report_path}", "--quiet",
                f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
                "--chrome-flags=" + " ".join(CHROME_FLAGS),
            ],
            capture_output=True, text=True, timeout=240, env={**os.environ, "CHROME_PATH": CHROMIUM},
        )
        report = json.loads(report_path.read_text()) if run.returncode == 0 and report_path.exists() else None
        if report is not None and not report.get("runtimeError"):
            return report
        problem = report["runtimeError"] if report else f"exit {run.returncode}: {run.stderr[-3000:]}"
        if attempt == attempts:
            pytest.fail(f"Lighthouse did not run in {attempts} attempts; the last said: {problem}")


def short_of_full(report):
    """What each category lost points on."""
    lines = []
    for name in LIGHTHOUSE_CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                shown = audit.get("displayValue") or ""
                lines.append(f"{name}: {ref['id']} scored {audit['score']} {shown} — {audit['title']}")
    return lines


@pytest.mark.audit
def test_article_page_scores_well_in_lighthouse(reader_pages, tmp_path):
    need_chromium()
    need_program("node", "nodejs")
    need_node_tool(LIGHTHOUSE, "lighthouse")
    url = reader_pages["article"]
    report = run_lighthouse(url, tmp_path / "lighthouse-1.json")
    scores = {name: report["categories"][name]["score"] for name in LIGHTHOUSE_CATEGORIES}
    lost = short_of_full(report)
    print(f"Lighthouse {report['lighthouseVersion']} on {url}: {scores}", *lost, sep="\n")

    # Performance is timed on a shared machine, and its simulated 4x CPU slowdown
    # magnifies a busy moment. When only it falls short, take the median of three
    # runs, as Lighthouse's guide to score variability advises.
    if scores["performance"] is not None and scores["performance"] < LIGHTHOUSE_MIN_SCORE:
        runs = [scores["performance"]]
        for attempt in (2, 3):
            again = run_lighthouse(url, tmp_path / f"lighthouse-{attempt}.json")
            runs.append(again["categories"]["performance"]["score"])
            lost += [f"(run {attempt}) {line}" for line in short_of_full(again) if line.startswith("performance")]
        scores["performance"] = sorted(runs)[1]
        print(f"performance in three runs: {runs}, median {scores['performance']}")

    low = {name: score for name, score in scores.items() if score is None or score < LIGHTHOUSE_MIN_SCORE}
    assert not low, f"Lighthouse scores under {LIGHTHOUSE_MIN_SCORE}: {low}\n" + "\n".join(lost)
