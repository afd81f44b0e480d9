"""Helpers for the browser tests (`@pytest.mark.browser`) and the nginx tests, shared by every app.

The tests drive Debian's headless Chromium with Python Playwright against pytest-django's
live server, validate HTML with the W3C Nu validator and check accessibility with
axe-core; the tools are the ones pinned in package-lock.json (`npm ci`).

Outside CI a missing tool skips a test with the reason; with CI=true it fails it.
The `browser` fixture itself is in newsdesk/conftest.py.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seed" / "000_4fb814c294a25f07.txt"
SCREENSHOTS = REPO / "var" / "screenshots"
NODE_MODULES = REPO / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH") or "/usr/bin/chromium"
CHROME_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def need(ok, what):
    """Go on only when a tool is there: skip without it, but fail under CI."""
    if ok:
        return
    message = f"{what} (the browser checks need it: `make test` installs it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def need_shared(path, what):
    """Go on only when a file of ../shared/ (the sample page, the IPTC examples) is there:
    skip without it, but fail under CI, where it must be."""
    if Path(path).exists():
        return
    message = f"{what} is not beside the project (expected at ../shared/{Path(path).relative_to(REPO.parent / 'shared')})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def need_chromium():
    need(os.access(CHROMIUM, os.X_OK), f"no Chromium at {CHROMIUM} (Debian package: chromium)")


def need_program(name, debian_package):
    """The program's path (on PATH, or in /usr/sbin where Debian puts daemons such as nginx)."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    need(path, f"no `{name}` on PATH (Debian package: {debian_package})")
    return path


def need_node_tool(path, package):
    need(path.is_file(), f"{path.relative_to(REPO)} is missing (npm package {package}: run `npm ci`)")


def signed_in_context(browser, live_server, user, **context_kwargs):
    """A new browser context with `user` signed in, through a session made by Django's test client."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(**context_kwargs)
    context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
    return context


def nu_errors(pages):
    """The W3C Nu validator's errors in {name: HTML}, one line each as `name:line: message  [extract]`.

    Its warnings are printed. One JVM validates every page: starting it is the slow part.
    """
    need_program("java", "default-jre-headless")
    need_node_tool(VNU_JAR, "vnu-jar")
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, html in pages.items():
            path = Path(folder) / f"{name}.html"
            path.write_text(html)
            paths.append(str(path))
        run = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", "--stdout", *sorted(paths)],
            capture_output=True, text=True, timeout=180,
        )
    assert run.returncode == 0, f"the Nu validator did not run: {run.stderr}"
    messages = json.loads(run.stdout)["messages"]

    def where(message):
        page = message.get("url", "?").rsplit("/", 1)[-1].removesuffix(".html")
        return f"{page}:{message.get('lastLine', '?')}: {message.get('message')}  [{message.get('extract', '').strip()}]"

    for message in messages:
        if message["type"] == "info" and message.get("subType") == "warning":
            print("warning:", where(message))
    return [where(m) for m in messages if m["type"] != "info"]  # "error" and "non-document-error"


def axe_violations(page):
    """axe-core's violations on the page as it stands, one entry each with up to five of its elements."""
    need_node_tool(AXE_JS, "axe-core")
    # Evaluated through the browser's debugging protocol, as the page's own scripts cannot be:
    # the page's Content-Security-Policy refuses inline scripts (add_script_tag's among them).
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate("() => { " + AXE_JS.read_text() + "\n}")
    # axe's default rules (WCAG 2.x A and AA, and best practices), plus WCAG 2.2's minimum tap target size.
    # Bounded: page.evaluate itself waits for ever.
    result = page.evaluate("""() => Promise.race([
        axe.run(document, {rules: {'target-size': {enabled: true}}}),
        new Promise((_, reject) => setTimeout(() => reject(new Error('axe-core ran for over 60 s')), 60000)),
    ])""")
    violations = []
    for violation in result["violations"]:
        lines = [f"{violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}"]
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary']}".replace("\n", " "))
        violations.append("\n".join(lines))
    return violations


def with_site_css(html):
    """A page's HTML with the site's style sheet in it: set in a blank tab, its link to
    /static/ leads nowhere, and contrast and target sizes depend on the styles."""
    css = (Path(__file__).parent / "site" / "static" / "site" / "site.css").read_text()
    return re.sub(r'<link rel="stylesheet" href="[^"]*/site/site(\.[0-9a-f]+)?\.css">',
                  lambda _: f"<style>{css}</style>", html)


def axe_violations_in(browser, pages):
    """axe-core's violations in {name: HTML}, each as `name: violation`, the pages set in one blank tab."""
    page = browser.new_page()
    try:
        violations = []
        for name, html in pages.items():
            page.set_content(with_site_css(html))
            violations += [f"{name}: {violation}" for violation in axe_violations(page)]
        return violations
    finally:
        page.context.close()


# What the reliability tests measured (payloads tried, faults injected, requests served,
# writes lost), one JSON file per test, gathered into docs/reliability.md by `make reliability`.
FIGURES = Path(os.environ.get("RELIABILITY_DIR") or REPO / "var" / "reliability")


def record_figures(name, **figures):
    """Keep a test's figures under FIGURES/<name>.json (replacing the last run's)."""
    FIGURES.mkdir(parents=True, exist_ok=True)
    path = FIGURES / f"{name}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(figures, indent=1, sort_keys=True, default=str))
    tmp.replace(path)
