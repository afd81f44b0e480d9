"""An administrator manages newsroom accounts in the admin; each change is in the audit log."""

import pytest
from django.contrib.auth.models import Group, User

from newsdesk.audit.models import Entry

pytestmark = pytest.mark.django_db


def _entries(user):
    return list(Entry.objects.filter(target_type="auth.user", target_id=str(user.pk)).values_list("action", "note"))


def test_making_someone_an_administrator_is_in_the_audit_log(admin_client, admin_user):
    clerk = User.objects.create_user("clerk", email="clerk@example.org", password="a long enough password 1")
    data = {"username": "clerk", "email": "clerk@example.org", "first_name": "", "last_name": "",
            "is_active": "on", "is_staff": "on", "is_superuser": "on", "groups": [], "user_permissions": [],
            "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00", "last_login_0": "", "last_login_1": ""}
    response = admin_client.post(f"/admin/auth/user/{clerk.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    clerk.refresh_from_db()
    assert clerk.is_superuser
    (action, note), = _entries(clerk)
    assert action == "account-change" and "is_superuser" in note and "is_staff" in note
    assert Entry.objects.get(target_id=str(clerk.pk)).actor == admin_user


def test_a_password_set_by_an_admin_is_logged_without_the_password(admin_client):
    clerk = User.objects.create_user("clerk", password="a long enough password 1")
    secret = "Another-long-enough-passphrase-42"
    response = admin_client.post(f"/admin/auth/user/{clerk.pk}/password/",
                                 {"password1": secret, "password2": secret, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _entries(clerk) == [("account-password", "password set by an admin")]
    assert not Entry.objects.filter(note__contains=secret).exists()


def test_deleting_an_account_and_changing_a_role_are_logged(admin_client):
    clerk = User.objects.create_user("clerk", password="a long enough password 1")
    pk = clerk.pk
    assert admin_client.post(f"/admin/auth/user/{pk}/delete/", {"post": "yes"}).status_code == 302
    assert Entry.objects.filter(action="account-delete", target_id=str(pk), target="clerk").exists()
    group = Group.objects.create(name="Night desk")
    response = admin_client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "Late desk", "permissions": []})
    assert response.status_code == 302
    assert Entry.objects.filter(action="role-change", target_id=str(group.pk), note="name").exists()
