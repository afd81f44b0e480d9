import pytest

from .conftest import PASSWORD, link_in, make_reader

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lighthouse-keeper-rota"


def test_a_reader_resets_a_forgotten_password(client, mailoutbox):
    make_reader()

    sent = client.post("/account/password/reset/", {"email": "ADA@example.org"}, follow=True)
    assert b"Check your email" in sent.content
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["ada@example.org"]
    assert mailoutbox[0].subject == "Choose a new password for Newsdesk"

    form = client.get(link_in(mailoutbox[0]), follow=True)
    assert b"Choose a new password" in form.content
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert b"Your password is changed" in done.content

    assert client.post("/account/login/", {"email": "ada@example.org", "password": PASSWORD}).status_code == 200
    assert client.post("/account/login/", {"email": "ada@example.org", "password": NEW_PASSWORD}).status_code == 302


def test_an_unknown_address_gets_the_same_page_and_no_mail(client, mailoutbox):
    page = client.post("/account/password/reset/", {"email": "nobody@example.org"}, follow=True)

    assert b"Check your email" in page.content and not mailoutbox


def test_a_used_reset_link_is_refused(client, mailoutbox):
    make_reader()
    client.post("/account/password/reset/", {"email": "ada@example.org"})
    link = link_in(mailoutbox[0])
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    page = client.get(link, follow=True)

    assert b"This link cannot be used" in page.content


def test_a_signed_in_reader_changes_their_password(client):
    client.force_login(make_reader())

    page = client.post("/account/password/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    }, follow=True)

    assert b"Your password is changed" in page.content and b"Ada Berg" in page.content
