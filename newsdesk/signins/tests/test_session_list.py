import pytest
from django.test import Client

from newsdesk.conftest import PASSWORD, make_member
from newsdesk.signins.models import SignIn
from newsdesk.twofactor.tests.helpers import is_signed_in, sign_in

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


@pytest.fixture(autouse=True)
def no_attempts_counted():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor():
    return make_member("ed", "Editor")


def two_clients():
    laptop = Client(REMOTE_ADDR="192.0.2.10", HTTP_USER_AGENT=FIREFOX)
    phone = Client(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT=SAFARI)
    for client in (laptop, phone):
        assert sign_in(client, "ed").status_code == 302
    return laptop, phone


def test_an_editor_sees_both_sessions_and_which_one_is_this(editor):
    laptop, phone = two_clients()

    page = laptop.get("/newsroom/sessions/").content.decode()

    assert "Firefox on Windows" in page and "Safari on iPhone" in page
    assert "192.0.2.10" in page and "198.51.100.7" in page
    assert page.count("This session") == 1
    assert page.index("Firefox on Windows") < page.index("This session") < page.index("Safari on iPhone")
    assert page.count(">Sign out<span") == 1 and "Sign out all other sessions" in page


@pytest.mark.parametrize("engine", [
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cache",
    "django.contrib.sessions.backends.cached_db",
])
def test_signing_out_another_session_signs_that_client_out(editor, settings, engine):
    settings.SESSION_ENGINE = engine
    laptop, phone = two_clients()
    phone_session = SignIn.objects.get(user_agent=SAFARI)

    page = laptop.post(f"/newsroom/sessions/{phone_session.pk}/end/", follow=True)

    assert b"Signed out the session of Safari on iPhone at 198.51.100.7." in page.content
    assert b"Safari on iPhone" not in laptop.get("/newsroom/sessions/").content
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)


def test_a_session_whose_row_is_gone_is_signed_out_even_if_its_store_kept_it(editor):
    laptop, phone = two_clients()
    SignIn.objects.filter(user_agent=SAFARI).delete()  # as a session store that cannot delete would leave it

    page = phone.get("/newsroom/", follow=True)

    assert b"This session was signed out from another one" in page.content
    assert not is_signed_in(phone) and is_signed_in(laptop)


def test_sign_out_all_others(editor):
    laptop, phone = two_clients()
    tablet = Client(REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT="")
    sign_in(tablet, "ed")

    page = laptop.post("/newsroom/sessions/others/end/", follow=True)

    assert b"Signed out 2 other sessions." in page.content
    assert not is_signed_in(phone) and not is_signed_in(tablet) and is_signed_in(laptop)
    assert b"No other session is signed in." in laptop.get("/newsroom/sessions/").content


def test_changing_the_password_signs_out_the_others(editor):
    laptop, phone = two_clients()

    laptop.post("/account/password/", {"old_password": PASSWORD, "new_password1": "another long passphrase 7",
                                       "new_password2": "another long passphrase 7"})

    assert is_signed_in(laptop) and not is_signed_in(phone)
    page = laptop.get("/newsroom/sessions/").content
    assert b"Safari on iPhone" not in page and b"This session" in page


def test_signing_out_takes_the_session_off_the_list(editor):
    laptop, phone = two_clients()

    phone.post("/account/logout/")

    assert list(SignIn.objects.values_list("user_agent", flat=True)) == [FIREFOX]


def test_no_one_signs_out_another_accounts_session(editor):
    make_member("rita", "Reporter")
    laptop, _ = two_clients()
    other = Client(HTTP_USER_AGENT=SAFARI)
    sign_in(other, "rita")
    theirs = SignIn.objects.get(user__username="rita")

    assert laptop.post(f"/newsroom/sessions/{theirs.pk}/end/").status_code == 404
    assert is_signed_in(other)


def test_this_session_is_signed_out_with_sign_out_not_here(editor):
    laptop, _ = two_clients()
    mine = SignIn.objects.get(user_agent=FIREFOX)

    page = laptop.post(f"/newsroom/sessions/{mine.pk}/end/", follow=True)

    assert b"That is this session" in page.content and is_signed_in(laptop)


def test_last_seen_is_written_at_most_every_few_minutes(editor):
    laptop, _ = two_clients()
    laptop.get("/newsroom/sessions/")
    before = SignIn.objects.get(user_agent=FIREFOX).last_seen_at

    laptop.get("/newsroom/sessions/")

    assert SignIn.objects.get(user_agent=FIREFOX).last_seen_at == before
