import pytest

from newsdesk.conftest import make_article
from newsdesk.readers import services

from .conftest import make_reader

pytestmark = pytest.mark.django_db


def test_a_reader_changes_their_display_name(client):
    user = make_reader()
    client.force_login(user)

    page = client.post("/account/", {"display_name": " Ada  B\u200b. "}, follow=True)

    assert b"Your display name is now Ada B." in page.content
    user.refresh_from_db()
    assert services.display_name(user) == "Ada B."


def test_a_bad_display_name_keeps_the_old_one(client):
    user = make_reader()
    client.force_login(user)

    page = client.post("/account/", {"display_name": "A"})

    assert b"at least 2 characters" in page.content and b'value="A"' in page.content
    assert b'aria-describedby="id_display_name_helptext id_display_name_error"' in page.content
    user.refresh_from_db()
    assert services.display_name(user) == "Ada Berg"


def test_the_account_page_needs_a_signed_in_reader(client):
    page = client.get("/account/")

    assert page.status_code == 302 and page["Location"] == "/account/login/?next=/account/"


def test_a_newsroom_account_gets_a_display_name_when_it_sets_one(client, django_user_model):
    editor = django_user_model.objects.create_user("editor", "desk@example.org", "pw")
    client.force_login(editor)
    assert services.display_name(editor) == "editor" and not services.is_verified(editor)

    client.post("/account/", {"display_name": "The Desk"})

    assert services.display_name(django_user_model.objects.get(pk=editor.pk)) == "The Desk"


def test_the_email_address_is_shown_to_its_owner_only_and_never_in_the_masthead(client):
    make_reader(email="ada.private@example.org", verified=True)
    client.force_login(make_reader(name="Bo Lund", email="bo@example.org"))
    article = make_article()

    for path in ["/", article.get_absolute_url(), "/archive/", "/account/verify/resend/", "/no-such-page/"]:
        html = client.get(path).content.decode()
        masthead = html[html.index("<header"):html.index("</header>")]
        assert "Bo Lund" in masthead and "bo@example.org" not in masthead, path
        assert "ada.private" not in html, path
    assert "bo@example.org" in client.get("/account/").content.decode()


def test_anonymous_visitors_see_sign_in_links_that_come_back(client):
    article = make_article()

    html = client.get(article.get_absolute_url()).content.decode()

    assert f'href="/account/login/?next={article.get_absolute_url()}"' in html
    assert f'href="/account/signup/?next={article.get_absolute_url()}"' in html
    assert "Sign out" not in html


def test_each_page_s_sign_in_links_come_back_to_that_page(client):
    """The guest's links are kept rendered once: each page still gets its own way back."""
    first, second = make_article(headline="Harbour ferry returns"), make_article(headline="Budget vote")
    for path, back in [(first.get_absolute_url(), first.get_absolute_url()), ("/", "/"),
                       (second.get_absolute_url(), second.get_absolute_url()),
                       ("/search/?q=ferry&section=world", "/search/%3Fq%3Dferry%26section%3Dworld")]:
        html = client.get(path).content.decode()
        masthead = html[html.index("<header"):html.index("</header>")]
        assert f'href="/account/login/?next={back}">Sign in</a>' in masthead, path
        assert f'href="/account/signup/?next={back}">Create account</a>' in masthead, path
    login = client.get("/account/login/").content.decode()
    assert 'href="/account/login/">Sign in</a>' in login[login.index("<header"):login.index("</header>")]


def test_signed_in_readers_see_their_name_and_a_sign_out_button(client):
    client.force_login(make_reader())

    html = client.get("/").content.decode()

    assert '<a href="/account/">Ada Berg</a>' in html
    assert '<form method="post" action="/account/logout/">' in html and "Sign in" not in html
