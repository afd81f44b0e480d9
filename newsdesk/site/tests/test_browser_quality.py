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
import shutil
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

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[3]
SEED = REPO.parent / "shared" / "seed" / "000_4fb814c294a25f07.txt"
NODE_MODULES = REPO / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH") or "/usr/bin/chromium"
CHROME_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = REPO / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE_MIN_SCORE = 0.95


def need(ok, what):
    """Go on only when a tool is there: skip without it, but fail under CI."""
    if ok:
        return
    message = f"{what} (the browser checks need it: `make test` installs it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def need_chromium():
    need(os.access(CHROMIUM, os.X_OK), f"no Chromium at {CHROMIUM} (Debian package: chromium)")


def need_node_tool(path, package):
    need(path.is_file(), f"{path.relative_to(REPO)} is missing (npm package {package}: run `npm ci`)")


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
    }
    return {name: live_server.url + path for name, path in paths.items()}


def fetch(url):
    """The status and HTML source of a page, error pages included."""
    try:
        with urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except HTTPError as err:
        return err.code, err.read().decode()


def server_error_page():
    return loader.get_template("500.html").render({"site_name": settings.SITE_NAME})


def test_every_reader_page_is_valid_html(reader_pages, tmp_path):
    need(shutil.which("java"), "no `java` on PATH (Debian package: default-jre-headless)")
    need_node_tool(VNU_JAR, "vnu-jar")
    for name, url in reader_pages.items():
        status, html = fetch(url)
        assert status == (404 if name == "not-found" else 200), f"{name}: {url} answered {status}"
        (tmp_path / f"{name}.html").write_text(html)
    # The server error page is rendered without the database, as the handler does.
    (tmp_path / "server-error.html").write_text(server_error_page())

    # One JVM for every page: starting the validator is the slow part.
    pages = sorted(map(str, tmp_path.glob("*.html")))
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", "--stdout", *pages],
        capture_output=True, text=True, timeout=180,
    )
    assert run.returncode == 0, f"the Nu validator did not run: {run.stderr}"
    messages = json.loads(run.stdout)["messages"]
    assert len(pages) == len(reader_pages) + 1

    def where(message):
        page = message.get("url", "?").rsplit("/", 1)[-1].removesuffix(".html")
        return f"{page}:{message.get('lastLine', '?')}: {message.get('message')}  [{message.get('extract', '').strip()}]"

    errors = [m for m in messages if m["type"] != "info"]  # "error" and "non-document-error"
    warnings = [m for m in messages if m["type"] == "info" and m.get("subType") == "warning"]
    for message in warnings:
        print("warning:", where(message))
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(map(where, errors))


def _axe_report(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)


def test_every_reader_page_has_no_axe_violations(reader_pages):
    need_chromium()
    need_node_tool(AXE_JS, "axe-core")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    error_html = server_error_page()
    failures = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS)
        try:
            for viewport_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
                page = context.new_page()
                for name, url in reader_pages.items():
                    page.goto(url, wait_until="load")
                    page.add_script_tag(path=str(AXE_JS))
                    # axe's default rules (WCAG 2.x A and AA, and best practices), plus
                    # WCAG 2.2's minimum tap target size.
                    result = page.evaluate("() => axe.run(document, {rules: {'target-size': {enabled: true}}})")
                    if result["violations"]:
                        failures[f"{name} ({viewport_name}, {url})"] = _axe_report(result["violations"])
                    if name == "article":
                        page.screenshot(path=str(SCREENSHOTS / f"article-{viewport_name}.png"), full_page=True)
                page.set_content(error_html)  # the server error page, which needs no server
                page.add_script_tag(path=str(AXE_JS))
                result = page.evaluate("() => axe.run(document, {rules: {'target-size': {enabled: true}}})")
                if result["violations"]:
                    failures[f"server-error ({viewport_name})"] = _axe_report(result["violations"])
                context.close()
        finally:
            browser.close()
    assert not failures, "axe-core violations:\n" + "\n".join(f"{page}:\n{report}" for page, report in failures.items())


def run_lighthouse(url, report_path):
    run = subprocess.run(
        [
            str(LIGHTHOUSE), url, "--output=json", f"--output-path={report_path}", "--quiet",
            f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
            "--chrome-flags=" + " ".join(CHROME_FLAGS),
        ],
        capture_output=True, text=True, timeout=240, env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    assert run.returncode == 0 and report_path.exists(), f"Lighthouse did not run ({run.returncode}):\n{run.stderr[-3000:]}"
    report = json.loads(report_path.read_text())
    assert not report.get("runtimeError"), f"Lighthouse could not load the page: {report['runtimeError']}"
    return report


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


def test_article_page_scores_well_in_lighthouse(reader_pages, tmp_path):
    need_chromium()
    need(shutil.which("node"), "no `node` on PATH (Debian package: nodejs)")
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
