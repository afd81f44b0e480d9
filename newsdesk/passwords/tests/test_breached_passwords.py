"""A password known from a breach is refused wherever a password is chosen."""

import pytest
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

from newsdesk.conftest import PASSWORD
from newsdesk.passwords.validators import BreachedPasswordValidator, is_breached

# In the shipped list, and not in Django's own list of 20,000 common passwords.
BREACHED = "Southampton"
MESSAGE = "This password has appeared in a data breach"


def test_breached_passwords_are_found_in_any_case_and_others_are_not():
    assert is_breached("dragon") and is_breached(" DRAGON ") and is_breached("sOUTHAMPTON")
    assert not is_breached(PASSWORD) and not is_breached("harbour-ferry-timetable")


def test_the_list_knows_passwords_that_django_does_not():
    with pytest.raises(ValidationError):
        CommonPasswordValidator().validate("dragon")
    CommonPasswordValidator().validate(BREACHED)  # passes Django's list

    with pytest.raises(ValidationError) as refused:
        BreachedPasswordValidator().validate(BREACHED)
    assert refused.value.code == "password_breached"


def test_it_is_one_of_the_sites_password_validators():
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password(BREACHED)
    assert MESSAGE in " ".join(refused.value.messages)
    assert "appeared in a data breach" in " ".join(password_validation.password_validators_help_texts())


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", "desk@newsroom.example", PASSWORD)


def test_the_newsroom_cannot_change_its_password_to_a_breached_one_in_the_admin(client, editor):
    client.force_login(editor)

    page = client.post("/admin/password_change/",
                       {"old_password": PASSWORD, "new_password1": BREACHED, "new_password2": BREACHED})

    assert page.status_code == 200 and MESSAGE in page.content.decode()
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)


def test_an_administrator_cannot_give_an_account_a_breached_password(client, editor):
    reporter = get_user_model().objects.create_user("reporter", "r@newsroom.example", PASSWORD)
    client.force_login(editor)

    page = client.post(f"/admin/auth/user/{reporter.pk}/password/", {"password1": BREACHED, "password2": BREACHED})

    assert page.status_code == 200 and MESSAGE in page.content.decode()
    reporter.refresh_from_db()
    assert reporter.check_password(PASSWORD)


def test_the_newsroom_cannot_change_its_password_to_a_breached_one_on_the_site(client, editor):
    client.force_login(editor)

    page = client.post("/account/password/",
                       {"old_password": PASSWORD, "new_password1": BREACHED, "new_password2": BREACHED})

    assert page.status_code == 200 and MESSAGE in page.content.decode()
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_reader_cannot_sign_up_with_a_breached_password(client):
    page = client.post("/account/signup/", {"display_name": "Ada Berg", "email": "ada@example.org", "password": BREACHED})

    assert page.status_code == 200 and MESSAGE in page.content.decode()
    assert not get_user_model().objects.filter(email="ada@example.org").exists()
