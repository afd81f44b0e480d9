"""Browser checks of the account pages, as the site's own (newsdesk/site/tests/test_browser_quality.py):
valid HTML (W3C Nu validator: 0 errors) and no axe-core violations, with and without errors shown."""

import json
import shutil
import subprocess

import pytest

from newsdesk.conftest import make_article
from newsdesk.readers import services
from newsdesk.site.tests.test_browser_quality import AXE_JS, CHROME_FLAGS, CHROMIUM, VNU_JAR, need, need_chromium, need_node_tool

from .conftest import PASSWORD, make_reader

pytestmark = pytest.mark.browser

FORMS = {
    "signup": ("/account/signup/", {"display_name": "A", "email": "nope", "password": "password"}),
    "login": ("/account/login/", {"email": "ada@example.org", "password": "wrong"}),
    "reset": ("/account/password/reset/", {"email": "nope"}),
}


@pytest.fixture
def account_pages(db, client):
    """{name: HTML} of every account page, in the states a reader meets them."""
    make_reader(verified=False)
    article = make_article()
    token = services.verification_token(make_reader(name="Bo Lund", email="bo@example.org"))
    pages = {name: ("get", path, None, False) for name, (path, _) in FORMS.items()}
    pages |= {f"{name}-errors": ("post", path, data, False) for name, (path, data) in FORMS.items()}
    pages |= {
        "reset-sent": ("get", "/account/password/reset/sent/", None, False),
        "reset-bad-link": ("get", "/account/password/reset/MQ/bad-token/", None, False),
        "reset-complete": ("get", "/account/password/reset/done/", None, False),
        "verify-ok": ("get", f"/account/verify/{token}/", None, False),
        "verify-bad": ("get", "/account/verify/bad/", None, False),
        "account": ("get", "/account/", None, True),
        "account-errors": ("post", "/account/", {"display_name": "\u200b"}, True),
        "resend": ("get", "/account/verify/resend/", None, True),
        "password-change-errors": ("post", "/account/password/", {"old_password": "x", "new_password1": "a"}, True),
        "article-signed-in": ("get", article.get_absolute_url(), None, True),
    }
    return {name: page_html(client, *spec) for name, spec in pages.items()}


def page_html(client, method, path, data, signed_in):
    client.logout()
    if signed_in:
        client.post("/account/login/", {"email": "ada@example.org", "password": PASSWORD})
    return getattr(client, method)(path, data, follow=True).content.decode()


def test_every_account_page_is_valid_html(account_pages, tmp_path):
    need(shutil.which("java"), "no `java` on PATH (Debian package: default-jre-headless)")
    need_node_tool(VNU_JAR, "vnu-jar")
    for name, html in account_pages.items():
        (tmp_path / f"{name}.html").write_text(html)
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", "--stdout", *sorted(map(str, tmp_path.glob("*.html")))],
        capture_output=True, text=True, timeout=180,
    )
    errors = [m for m in json.loads(run.stdout)["messages"] if m["type"] != "info"]
    assert not errors, "\n".join(f"{m.get('url', '?').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in errors)


def test_every_account_page_has_no_axe_violations(account_pages):
    need_chromium()
    need_node_tool(AXE_JS, "axe-core")
    from playwright.sync_api import sync_playwright

    failures = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS)
        try:
            page = browser.new_page()
            for name, html in account_pages.items():
                page.set_content(html)
                page.add_script_tag(path=str(AXE_JS))
                result = page.evaluate("() => axe.run(document, {rules: {'target-size': {enabled: true}}})")
                failures |= {f"{name}: {v['id']}": v["help"] for v in result["violations"]}
        finally:
            browser.close()
    assert not failures, "\n".join(f"{where}: {help}" for where, help in failures.items())
