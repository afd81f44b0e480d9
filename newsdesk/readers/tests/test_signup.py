import time

import pytest
from django.contrib.auth import get_user_model

from newsdesk.conftest import make_article
from newsdesk.readers import services

from .conftest import PASSWORD, link_in, make_reader

pytestmark = pytest.mark.django_db


def signup(client, url="/account/signup/", **fields):
    data = {"display_name": "Ada Berg", "email": "ada@example.org", "password": PASSWORD, **fields}
    return client.post(url, data)


def test_signing_up_signs_the_reader_in_and_mails_a_link(client, mailoutbox):
    page = signup(client)

    assert page.status_code == 302 and page["Location"] == "/account/"
    account = client.get("/account/")
    assert b"Ada Berg" in account.content and b"not confirmed yet" in account.content
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["ada@example.org"]
    assert "/account/verify/" in link_in(mailoutbox[0]) and "3 days" in mailoutbox[0].body


def test_following_the_link_confirms_the_email_address(client, mailoutbox):
    signup(client)
    user = get_user_model().objects.get(email="ada@example.org")
    assert not services.is_verified(user)

    page = client.get(link_in(mailoutbox[0]))

    assert page.status_code == 200 and b"Email address confirmed" in page.content
    assert services.is_verified(get_user_model().objects.get(pk=user.pk))
    assert b"Your email address is confirmed" in client.get("/account/").content


def test_the_link_works_without_being_signed_in(client, mailoutbox):
    signup(client)
    client.post("/account/logout/")

    assert client.get(link_in(mailoutbox[0])).status_code == 200
    assert services.is_verified(get_user_model().objects.get(email="ada@example.org"))


def test_an_expired_link_is_refused_with_the_reason(client, monkeypatch):
    user = make_reader()
    four_days_ago = time.time() - 4 * 86400
    with monkeypatch.context() as past:
        past.setattr(time, "time", lambda: four_days_ago)
        token = services.verification_token(user)

    page = client.get(f"/account/verify/{token}/")

    assert page.status_code == 400 and b"This link has expired" in page.content
    assert not services.is_verified(user)


def test_a_tampered_link_is_refused(client):
    user = make_reader()
    token = services.verification_token(user)
    other = make_reader(name="Bo", email="bo@example.org")
    # Ada's signature on Bo's account number:
    forged = ":".join([services.verification_token(other).split(":")[0], *token.split(":")[1:]])

    for bad in (token[:-2] + "xx", forged, "not-a-token"):
        page = client.get(f"/account/verify/{bad}/")
        assert page.status_code == 400 and b"This link is not valid" in page.content
    assert not services.is_verified(user) and not services.is_verified(other)


def test_a_link_for_an_old_email_address_is_refused(client):
    user = make_reader()
    token = services.verification_token(user)
    user.email = "ada@elsewhere.example"
    user.save()

    page = client.get(f"/account/verify/{token}/")

    assert page.status_code == 400 and b"no longer uses" in page.content


def test_the_reader_can_ask_for_the_link_again(client, mailoutbox):
    signup(client)
    assert b"Send the link again" in client.get("/account/verify/resend/").content

    page = client.post("/account/verify/resend/", follow=True)

    assert len(mailoutbox) == 2 and b"We have sent a new link" in page.content
    client.get(link_in(mailoutbox[1]))
    assert b"already confirmed" in client.get("/account/verify/resend/").content


def test_resending_needs_a_signed_in_reader(client):
    page = client.get("/account/verify/resend/")

    assert page.status_code == 302 and page["Location"].startswith("/account/login/?next=")


def test_an_email_address_is_taken_whatever_its_case(client, mailoutbox):
    make_reader(email="ada@example.org")

    page = signup(client, email="ADA@Example.ORG", display_name="Someone Else")

    assert page.status_code == 200
    assert b"An account with this email address already exists" in page.content
    assert b'value="Someone Else"' in page.content and b'value="ADA@Example.ORG"' in page.content
    assert get_user_model().objects.count() == 1 and not mailoutbox


def test_a_weak_password_is_refused_and_not_shown_again(client):
    page = signup(client, password="password")

    assert page.status_code == 200 and b"too common" in page.content
    assert b'value="password"' not in page.content
    assert b'aria-describedby="id_password_helptext id_password_error"' in page.content
    assert b'id="id_password_error"' in page.content and b'aria-invalid="true"' in page.content


def test_a_password_like_the_email_address_is_refused(client):
    page = signup(client, email="harbourferry@example.org", password="harbourferry")

    assert b"too similar" in page.content


def test_a_display_name_is_cleaned_before_it_is_saved(client):
    signup(client, display_name="  Ada\u202e \u200bBerg  ")

    assert get_user_model().objects.get(email="ada@example.org").reader.display_name == "Ada Berg"


@pytest.mark.parametrize("name, message", [
    ("A", b"at least 2 characters"),
    ("x" * 51, b"at most 50 characters"),
    ("\u200b\u202e\u2066", b"only of invisible characters"),
])
def test_a_bad_display_name_is_refused_with_the_reason(client, name, message):
    page = signup(client, display_name=name)

    assert page.status_code == 200 and message in page.content
    assert not get_user_model().objects.exists()


def test_signing_up_from_an_article_comes_back_to_it(client):
    article = make_article()
    url = article.get_absolute_url() + "#comments"

    form = client.get("/account/signup/", {"next": url})
    page = signup(client, url=f"/account/signup/?next={url.replace('#', '%23')}")

    assert f'name="next" value="{url}"'.encode() in form.content
    assert page.status_code == 302 and page["Location"] == url


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_an_off_site_next_is_ignored(client, next_url):
    form = client.get("/account/signup/", {"next": next_url})
    page = signup(client, url="/account/signup/", next=next_url)

    assert b"evil" not in form.content and b"javascript" not in form.content

    assert page.status_code == 302 and page["Location"] == "/account/"


def test_a_mail_server_failure_still_signs_the_reader_up_and_says_so(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(services, "send_mail", refuse)

    signup(client)
    page = client.get("/account/")

    assert b"We could not send the confirmation mail just now" in page.content
    assert b"Ada Berg" in page.content


def test_resending_is_limited_so_no_inbox_is_flooded(client, mailoutbox):
    client.force_login(make_reader())
    for _ in range(5):
        client.post("/account/verify/resend/")

    page = client.post("/account/verify/resend/")

    assert page.status_code == 429 and b"We have sent several links" in page.content
    assert page["Retry-After"] == "3600"
    assert len(mailoutbox) == 5


def test_an_anonymous_visitor_has_no_name_and_is_not_verified():
    from django.contrib.auth.models import AnonymousUser

    assert services.display_name(AnonymousUser()) == "" and not services.is_verified(AnonymousUser())
