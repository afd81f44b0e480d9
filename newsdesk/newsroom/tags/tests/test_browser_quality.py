"""Browser checks of the people and topics pages, as the site's own
(newsdesk/site/tests/test_browser_quality.py): valid HTML (W3C Nu validator: 0 errors)
and no axe-core violations, with and without errors shown."""

import json
import shutil
import subprocess

import pytest
from django.urls import reverse

from newsdesk.conftest import make_article
from newsdesk.people.models import Person, Topic
from newsdesk.site.tests.test_browser_quality import AXE_JS, CHROME_FLAGS, CHROMIUM, VNU_JAR, need, need_chromium, need_node_tool

pytestmark = pytest.mark.browser


@pytest.fixture
def tag_pages(editor_client):
    """{name: HTML} of every people and topics page, in the states an editor meets them."""
    putin, duplicate = Person.objects.create(name="Vladimir Putin"), Person.objects.create(name="V. Putin")
    space = Topic.objects.create(name="Space")
    make_article(people=[putin, duplicate], topics=[space])
    for n in range(60):
        Topic.objects.create(name=f"Topic {n:02d}")
    edit = reverse("newsroom:tag-edit", args=["person", putin.pk])
    merge = reverse("newsroom:tag-merge", args=["person", duplicate.pk])
    pages = {
        "list": ("get", reverse("newsroom:tags"), {"page": 2}),
        "list-empty": ("get", reverse("newsroom:tags"), {"q": "nobody"}),
        "new": ("get", reverse("newsroom:tag-new"), None),
        "new-errors": ("post", reverse("newsroom:tag-new"), {"kind": "person", "name": "vladimir putin"}),
        "edit": ("get", edit, None),
        "edit-deletable": ("get", reverse("newsroom:tag-edit", args=["topic", Topic.objects.last().pk]), None),
        "edit-errors": ("post", edit, {"name": " "}),
        "merge": ("get", merge, None),
        "merge-errors": ("post", merge, {"other": "nobody", "keep": "this"}),
        "merge-confirm": ("post", merge, {"other": "vladimir putin", "keep": "other"}),
    }
    return {name: getattr(editor_client, method)(path, data).content.decode() for name, (method, path, data) in pages.items()}


def test_every_tag_page_is_valid_html(tag_pages, tmp_path):
    need(shutil.which("java"), "no `java` on PATH (Debian package: default-jre-headless)")
    need_node_tool(VNU_JAR, "vnu-jar")
    for name, html in tag_pages.items():
        (tmp_path / f"{name}.html").write_text(html)
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", "--stdout", *sorted(map(str, tmp_path.glob("*.html")))],
        capture_output=True, text=True, timeout=180,
    )
    errors = [m for m in json.loads(run.stdout)["messages"] if m["type"] != "info"]
    assert not errors, "\n".join(f"{m.get('url', '?').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in errors)


def test_every_tag_page_has_no_axe_violations(tag_pages):
    need_chromium()
    need_node_tool(AXE_JS, "axe-core")
    from playwright.sync_api import sync_playwright

    failures = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS)
        try:
            page = browser.new_page()
            for name, html in tag_pages.items():
                page.set_content(html)
                page.add_script_tag(path=str(AXE_JS))
                result = page.evaluate("() => axe.run(document, {rules: {'target-size': {enabled: true}}})")
                failures |= {f"{name}: {v['id']}": v["help"] for v in result["violations"]}
        finally:
            browser.close()
    assert not failures, "\n".join(f"{where}: {help}" for where, help in failures.items())
