"""The newsroom's users managed in the newsroom: invite, list, roles, deactivate, reactivate,
each change in the audit log, and the rails that keep someone able to manage users."""

import re
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client

from newsdesk.audit.models import Entry
from newsdesk.conftest import PASSWORD, make_member
from newsdesk.signins.models import SignIn

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "Harbour lights at dawn 2031"


@pytest.fixture
def admin(db):
    return make_member("ada", "Admin")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def said(response):
    """What the next page says (the last of the messages)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1:]


def listed(html):
    return re.findall(r'<a href="/newsroom/users/\d+/">([^<]+)</a>', html)


def entries(user):
    return list(Entry.objects.filter(target_type="auth.user", target_id=str(user.pk))
                .order_by("pk").values_list("actor__username", "action", "note"))


def invite(client, **data):
    data = {"username": "nils", "email": "nils@newsroom.example", "first_name": "Nils", "last_name": "Berg",
            "roles": ["Reporter"], **data}
    return client.post("/newsroom/users/invite/", data)


def link_in(html):
    return re.search(r'id="set-password-link" type="text" value="([^"]+)"', html).group(1)


def choose_password(link, password=NEW_PASSWORD):
    """What the invited person does with the link: open it, choose a password. The final page."""
    browser = Client()
    path = link.removeprefix("http://testserver")
    form_page = browser.get(path, follow=True)
    if "Choose the password you will sign in with." not in form_page.content.decode():
        return form_page
    return browser.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password},
                        follow=True)


def test_an_admin_invites_a_reporter_who_chooses_a_password_with_the_link_once(admin_client, admin):
    page = invite(admin_client)

    assert page.status_code == 200
    html = page.content.decode()
    assert "nils is invited" in html and "It works once, for 3 days, and is shown only now." in html
    nils = User.objects.get(username="nils")
    assert not nils.has_usable_password() and not nils.is_staff and nils.is_active
    assert list(nils.groups.values_list("name", flat=True)) == ["Reporter"]
    assert nils.has_perm("stories.add_story") and not nils.has_perm("auth.change_user")
    assert entries(nils) == [("ada", "account-invite", "roles: Reporter; set-password link shown")]
    assert not mail.outbox

    link = link_in(html)
    done = choose_password(link)
    assert "Your password is set" in done.content.decode()
    nils.refresh_from_db()
    assert nils.check_password(NEW_PASSWORD)
    assert entries(nils)[-1] == ("nils", "account-password", "password chosen with a set-password link")
    assert Client().login(username="nils", password=NEW_PASSWORD)

    again = choose_password(link, "Somebody else's password 99")
    assert "This link cannot be used" in again.content.decode()
    nils.refresh_from_db()
    assert nils.check_password(NEW_PASSWORD)


def test_the_link_can_be_emailed_instead(admin_client):
    html = invite(admin_client, email_link="on").content.decode()

    assert "The link to choose a password was emailed to nils@newsroom.example" in html
    assert 'id="set-password-link"' not in html
    (message,) = mail.outbox
    assert message.to == ["nils@newsroom.example"]
    assert "Your username: nils" in message.body
    link = re.search(r"http://testserver/newsroom/users/welcome/\S+", message.body).group(0)
    assert "Your password is set" in choose_password(link).content.decode()
    nils = User.objects.get(username="nils")
    assert entries(nils)[0][2] == "roles: Reporter; set-password link emailed"


@pytest.mark.parametrize("data, error", [
    ({"username": "ADA"}, "There is already an account called ADA."),
    ({"username": "nils berg"}, "Enter a valid username"),
    ({"username": ""}, "This field is required."),
    ({"email": "not an email"}, "Enter a valid email address."),
    ({"email": "ADA@newsroom.example"}, "An account already uses ADA@newsroom.example."),
    ({"roles": []}, "Choose at least one role."),
    ({"roles": ["Owner"]}, "Select a valid choice. Owner is not one of the available choices."),
])
def test_bad_invitations_are_refused_with_a_clear_message(admin_client, data, error):
    response = invite(admin_client, **data)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert "The account was not made" in response.content.decode()
    assert not User.objects.filter(username__iexact="nils").exists()


def test_the_list_shows_the_newsroom_not_its_readers(admin_client):
    make_member("remy", "Reporter")
    make_member("mo", "Moderator").__class__.objects.filter(username="mo").update(is_active=False)
    User.objects.create_user("rita", "rita@example.org", PASSWORD)  # a reader
    invite(admin_client, username="nils")

    active = admin_client.get("/newsroom/users/").content.decode()
    assert listed(active) == ["ada", "nils", "remy"]
    assert "rita" not in active
    assert "Invited, no password yet" in active and "3 accounts, by username" in active

    deactivated = admin_client.get("/newsroom/users/?show=deactivated").content.decode()
    assert listed(deactivated) == ["mo"] and "Deactivated" in deactivated
    assert listed(admin_client.get("/newsroom/users/?show=all&q=REM").content.decode()) == ["remy"]
    assert admin_client.get("/newsroom/users/?show=nonsense&page=x").status_code == 200
    assert admin_client.get(f"/newsroom/users/{User.objects.get(username='rita').pk}/").status_code == 404


def test_changing_roles_is_logged_and_takes_effect(admin_client, admin):
    remy = make_member("remy", "Reporter")

    response = admin_client.post(f"/newsroom/users/{remy.pk}/roles/", {"roles": ["Editor", "Moderator"]})

    assert response["Location"] == f"/newsroom/users/{remy.pk}/"
    assert said(response) == ["remy's roles are now: Editor, Moderator."]
    remy = User.objects.get(pk=remy.pk)
    assert remy.has_perm("stories.publish_story") and remy.has_perm("comments.moderate_comment")
    assert not remy.has_perm("pictures.add_picture") or remy.groups.filter(name="Editor").exists()
    assert entries(remy) == [("ada", "account-roles", "Reporter → Editor, Moderator")]
    page = admin_client.get(f"/newsroom/users/{remy.pk}/").content.decode()
    assert "account-roles (Reporter → Editor, Moderator)" in page

    unchanged = admin_client.post(f"/newsroom/users/{remy.pk}/roles/", {"roles": ["Moderator", "Editor"]})
    assert said(unchanged) == ["remy's roles are unchanged."] and len(entries(remy)) == 1
    none = admin_client.post(f"/newsroom/users/{remy.pk}/roles/", {"roles": []})
    assert none.status_code == 400 and "Choose at least one role." in none.content.decode()


def test_the_last_admin_cannot_demote_themselves(admin_client, admin):
    response = admin_client.post(f"/newsroom/users/{admin.pk}/roles/", {"roles": ["Editor"]})

    assert response.status_code == 400
    assert ("ada is the last active account that can manage users: give someone else the Admin role first."
            in response.content.decode())
    assert list(admin.groups.values_list("name", flat=True)) == ["Admin"]
    assert entries(admin) == []


def test_with_another_admin_one_may_step_down(admin_client, admin):
    make_member("bo", "Admin")

    response = admin_client.post(f"/newsroom/users/{admin.pk}/roles/", {"roles": ["Editor"]})

    assert response["Location"] == "/newsroom/"  # the users' pages are no longer theirs
    assert list(User.objects.get(pk=admin.pk).groups.values_list("name", flat=True)) == ["Editor"]
    assert admin_client.get("/newsroom/users/").status_code == 403


def test_a_deactivated_user_is_signed_out_everywhere_and_cannot_sign_in(admin_client, admin):
    remy = make_member("remy", "Reporter")
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        device.force_login(remy)
        assert device.get("/newsroom/").status_code == 200  # a signed-in session, in remy's list
    assert SignIn.objects.filter(user=remy).count() == 2
    keys = list(SignIn.objects.filter(user=remy).values_list("session_key", flat=True))

    response = admin_client.post(f"/newsroom/users/{remy.pk}/deactivate/")

    assert said(response) == ["remy is deactivated and can no longer sign in; 2 signed-in sessions ended."]
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert not any(store().exists(key) for key in keys)
    assert entries(remy) == [("ada", "account-deactivate", "2 signed-in sessions ended")]
    assert not Client().login(username="remy", password=PASSWORD)

    admin_client.post(f"/newsroom/users/{remy.pk}/reactivate/")
    # Back, but the sessions that were open stay ended: remy signs in again.
    assert laptop.get("/newsroom/")["Location"].startswith("/account/login/")
    assert Client().login(username="remy", password=PASSWORD)
    assert entries(remy)[-1] == ("ada", "account-reactivate", "")


def test_nobody_deactivates_themselves_and_an_admin_leaves_superusers_alone(admin_client, admin):
    response = admin_client.post(f"/newsroom/users/{admin.pk}/deactivate/")
    assert said(response) == ["You cannot deactivate your own account: ask another person who manages users."]
    assert User.objects.get(pk=admin.pk).is_active

    root = User.objects.create_superuser("root", "root@newsroom.example", PASSWORD)
    response = admin_client.post(f"/newsroom/users/{root.pk}/deactivate/")
    assert said(response) == ["root is a superuser: only a superuser can change that account."]
    assert User.objects.get(pk=root.pk).is_active
    assert admin_client.post(f"/newsroom/users/{root.pk}/roles/", {"roles": ["Reporter"]}).status_code == 400
    assert Entry.objects.filter(action__startswith="account-").count() == 0


def test_a_new_link_replaces_a_lost_invitation_and_not_for_the_deactivated(admin_client):
    link = link_in(invite(admin_client).content.decode())
    nils = User.objects.get(username="nils")

    fresh = link_in(admin_client.post(f"/newsroom/users/{nils.pk}/link/").content.decode())
    assert "Your password is set" in choose_password(fresh).content.decode()
    assert "This link cannot be used" in choose_password(link).content.decode()
    assert [action for _, action, _ in entries(nils)] == ["account-invite", "account-link", "account-password"]

    admin_client.post(f"/newsroom/users/{nils.pk}/deactivate/")
    refused = admin_client.post(f"/newsroom/users/{nils.pk}/link/")
    assert said(refused) == ["nils is deactivated: reactivate the account first."]


def test_an_invitation_does_not_work_for_a_deactivated_account(admin_client):
    link = link_in(invite(admin_client).content.decode())
    admin_client.post(f"/newsroom/users/{User.objects.get(username='nils').pk}/deactivate/")

    assert "This link cannot be used" in choose_password(link).content.decode()
    assert not User.objects.get(username="nils").has_usable_password()


@pytest.mark.parametrize("role", ["Reporter", "Editor", "Moderator", None])
def test_only_who_manages_users_sees_or_changes_them(client, admin, role):
    client.force_login(make_member("someone", role))
    assert client.get("/newsroom/users/").status_code == 403
    assert invite(client).status_code == 403
    assert client.post(f"/newsroom/users/{admin.pk}/deactivate/").status_code == 403
    assert 'href="/newsroom/users/"' not in client.get("/newsroom/").content.decode()
    assert User.objects.get(pk=admin.pk).is_active and not User.objects.filter(username="nils").exists()


def test_the_menu_links_the_users_for_an_admin(admin_client):
    assert '<a href="/newsroom/users/">Users</a>' in admin_client.get("/newsroom/").content.decode()
