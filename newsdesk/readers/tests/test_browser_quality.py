"""Browser checks of the account pages, as the site's own (newsdesk/site/tests/test_browser_quality.py):
valid HTML (W3C Nu validator: 0 errors) and no axe-core violations, with and without errors shown."""

import pytest

from newsdesk.conftest import make_article
from newsdesk.readers import services
from newsdesk.testing import axe_violations_in, nu_errors

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


def test_every_account_page_is_valid_html(account_pages):
    errors = nu_errors(account_pages)
    assert not errors, "\n".join(errors)


def test_every_account_page_has_no_axe_violations(account_pages, browser):
    failures = axe_violations_in(browser, account_pages)
    assert not failures, "\n".join(failures)
