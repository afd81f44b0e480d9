import pytest
from django.contrib.auth.models import Group


def _user(django_user_model, username, role=None):
    user = django_user_model.objects.create_user(username, f"{username}@newsroom.example", "a long passphrase 42")
    if role:  # the groups are made by the newsroom's migrations
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return _user(django_user_model, "edna", "Editor")


@pytest.fixture
def reporter(db, django_user_model):
    return _user(django_user_model, "rory", "Reporter")


@pytest.fixture
def reader(db, django_user_model):
    return _user(django_user_model, "rita")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
