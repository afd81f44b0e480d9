import pytest

from newsdesk.conftest import make_article

from .conftest import PASSWORD, make_reader

pytestmark = pytest.mark.django_db


def login(client, url="/account/login/", **fields):
    return client.post(url, {"email": "ada@example.org", "password": PASSWORD, **fields})


def test_a_reader_signs_in_with_their_email_address_in_any_case(client):
    make_reader()

    page = login(client, email="Ada@EXAMPLE.org")

    assert page.status_code == 302 and page["Location"] == "/"
    assert b"Ada Berg" in client.get("/").content


def test_a_wrong_password_is_refused_and_the_email_kept(client):
    make_reader()

    page = login(client, password="not-the-password")

    assert page.status_code == 200
    assert b"That email address (or username) and password do not match an account" in page.content
    assert b'value="ada@example.org"' in page.content and b"not-the-password" not in page.content
    assert b"Sign out" not in page.content


def test_an_unknown_email_gets_the_same_answer(client):
    page = login(client, email="nobody@example.org")

    assert b"That email address (or username) and password do not match an account" in page.content


def test_a_deactivated_reader_cannot_sign_in(client):
    user = make_reader()
    user.is_active = False
    user.save()

    assert b"do not match an account" in login(client).content


def test_the_newsroom_still_signs_in_to_the_admin_with_a_username(client, django_user_model):
    django_user_model.objects.create_superuser("editor", "desk@example.org", PASSWORD)

    page = client.post("/admin/login/", {"username": "editor", "password": PASSWORD})

    assert page.status_code == 302 and client.get("/admin/").status_code == 200


def test_signing_in_from_an_article_comes_back_to_it(client):
    make_reader()
    article = make_article()

    form = client.get("/account/login/", {"next": article.get_absolute_url()})
    page = login(client, next=article.get_absolute_url())

    assert f'name="next" value="{article.get_absolute_url()}"'.encode() in form.content
    assert page["Location"] == article.get_absolute_url()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/path", "http://testserver.evil.example/"])
def test_an_off_site_next_is_ignored(client, next_url):
    make_reader()

    form = client.get("/account/login/", {"next": next_url})
    page = login(client, next=next_url)

    assert b"evil" not in form.content
    assert page.status_code == 302 and page["Location"] == "/"


def test_a_signed_in_reader_visiting_the_login_page_goes_on(client):
    client.force_login(make_reader())

    assert client.get("/account/login/")["Location"] == "/"


def test_signing_out_is_a_post(client):
    client.force_login(make_reader())

    assert client.get("/account/logout/").status_code == 405
    assert b"Ada Berg" in client.get("/").content
    page = client.post("/account/logout/")
    assert page.status_code == 302 and page["Location"] == "/"
    assert b"Ada Berg" not in client.get("/").content


def test_the_login_form_is_labelled(client):
    html = client.get("/account/login/").content.decode()

    assert '<label for="id_email">Email address</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert html.count("<h1") == 1


def test_the_newsroom_account_signs_in_with_its_printed_username(client, settings, tmp_path):
    from newsdesk.newsroom.accounts import ensure_demo_login

    settings.VAR_DIR = tmp_path
    username, password = ensure_demo_login()

    response = client.post("/account/login/?next=/newsroom/", {"email": username, "password": password})

    assert response.status_code == 302 and response["Location"] == "/newsroom/"
    assert client.get("/newsroom/").status_code == 200
