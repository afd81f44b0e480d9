"""NEWSROOM_REQUIRE_2FA_FOR_ADMINS: accounts that can reach /admin/ set up two-step sign-in first."""

import pytest

from newsdesk.conftest import PASSWORD, make_member

from .helpers import code, give_code, new_client, sign_in, turn_on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_step")]


@pytest.fixture
def required(settings):
    settings.NEWSROOM_REQUIRE_2FA_FOR_ADMINS = True


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@newsroom.example", PASSWORD)


def test_an_admin_without_it_is_sent_to_set_it_up_before_anything_else(required, admin):
    client = new_client()

    page = sign_in(client, "chief", next_url="/newsroom/")
    assert page["Location"] == "/newsroom/"

    for path in ("/newsroom/", "/newsroom/stories/", "/admin/", "/admin/auth/user/", "/newsroom/sessions/"):
        sent = client.get(path)
        assert sent.status_code == 302 and sent["Location"].startswith("/newsroom/security/setup/?next="), path
    setup = client.get("/newsroom/security/setup/?next=/admin/")
    assert b"needs two-step sign-in before anything else" in setup.content


def test_once_set_up_the_admin_opens(required, admin):
    client = new_client()
    sign_in(client, "chief")

    secret, codes = turn_on(client)

    assert client.get("/admin/").status_code == 200
    # And from then on the admin's sign-in takes the code.
    other = new_client()
    sign_in(other, "chief", next_url="/admin/")
    assert other.get("/admin/").status_code == 302
    assert give_code(other, code(secret))["Location"] == "/admin/"
    assert other.get("/admin/").status_code == 200


def test_the_admin_sign_in_form_does_not_open_the_admin_without_it(required, admin):
    client = new_client()

    client.post("/admin/login/", {"username": "chief", "password": PASSWORD, "next": "/admin/"})
    page = client.get("/admin/")

    assert page.status_code == 302 and page["Location"] == "/newsroom/security/setup/?next=%2Fadmin%2F"


def test_an_admin_cannot_turn_it_off_while_it_is_required(required, admin):
    client = new_client()
    sign_in(client, "chief")
    turn_on(client)

    page = client.post("/newsroom/security/off/", {"off-password": PASSWORD}, follow=True)

    assert b"must keep two-step sign-in on" in page.content
    assert b"Turn two-step sign-in off" not in page.content
    assert client.get("/admin/").status_code == 200


def test_newsroom_members_who_cannot_reach_the_admin_are_not_required(required):
    make_member("ed", "Editor")
    client = new_client()

    sign_in(client, "ed")

    assert client.get("/newsroom/").status_code == 200


def test_without_the_setting_an_admin_signs_in_with_the_password(admin):
    client = new_client()

    sign_in(client, "chief")

    assert client.get("/admin/").status_code == 200
