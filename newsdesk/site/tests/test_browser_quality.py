"""Browser checks of the reader pages.

Every reader page is valid HTML (W3C Nu validator: 0 errors) and has no axe-core
violations, and the article page scores at least 95 in each of Lighthouse's four
categories. The tools are the ones pinned in package-lock.json (`npm ci`), driven
in Debian's headless Chromium against pytest-django's live server.

Outside CI a missing browser or node_modules skips these tests with the reason;
with CI=true it fails them.
"""

import io
import json
import os
import subprocess
from datetime import timedelta
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
    axe_violations, need_chromium, need_node_tool, need_program, nu_errors,
)

pytestmark = pytest.mark.browser

LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE_MIN_SCORE = 0.95


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
    }
    return {name: live_server.url + path for name, path in paths.items()}


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


def test_every_reader_page_has_no_axe_violations(reader_pages, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    error_html = server_error_page()
    failures = {}
    for viewport_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
        try:
            page = context.new_page()
            for name, url in reader_pages.items():
                page.goto(url, wait_until="load")
                if violations := axe_violations(page):
                    failures[f"{name} ({viewport_name}, {url})"] = "\n".join(violations)
                if name == "article":
                    page.screenshot(path=str(SCREENSHOTS / f"article-{viewport_name}.png"), full_page=True)
            page.set_content(error_html)  # the server error page, which needs no server
            if violations := axe_violations(page):
                failures[f"server-error ({viewport_name})"] = "\n".join(violations)
        finally:
            context.close()
    assert not failures, "axe-core violations:\n" + "\n".join(f"{page}:\n{report}" for page, report in failures.items())


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
