import pytest

from newsdesk.stories.models import Story

pytestmark = pytest.mark.django_db


def test_an_editor_writes_a_story_in_the_admin_and_its_body_is_sanitised(admin_client, client):
    form = admin_client.get("/admin/stories/story/add/")
    assert form.status_code == 200

    response = admin_client.post("/admin/stories/story/add/", {
        "kind": "article", "status": "published", "headline": "Written in the newsroom",
        "body": '<p onmouseover="steal()">Safe text</p><script>steal()</script>',
        "published_at_0": "2025-01-02", "published_at_1": "10:00:00",
        "created_at_0": "2025-01-02", "created_at_1": "09:00:00",
        "pictures": "[]",
    })

    assert response.status_code == 302, response.content.decode()[:3000]
    story = Story.objects.get(headline="Written in the newsroom")
    assert story.body == "<p>Safe text</p>" and story.slug == "written-in-the-newsroom"
    assert b"Safe text" in client.get(story.get_absolute_url()).content


def test_readers_cannot_open_the_admin(client):
    assert client.get("/admin/stories/story/").status_code == 302


def _change_form_data(admin_client, story):
    """The admin's change form for `story`, as a browser would send it back unchanged."""
    response = admin_client.get(f"/admin/stories/story/{story.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if hasattr(field.widget, "decompress"):  # a date and a time in two inputs
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else str(value)
    return data


def test_an_admin_edit_keeps_a_revision_and_an_audit_entry(admin_client, admin_user):
    from newsdesk.audit.models import Entry
    from newsdesk.conftest import make_article
    story = make_article(headline="Before the admin")
    revision = story.revision
    data = _change_form_data(admin_client, story)
    data["headline"] = "After the admin"
    response = admin_client.post(f"/admin/stories/story/{story.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    story.refresh_from_db()
    assert (story.headline, story.revision) == ("After the admin", revision + 1)
    assert story.revisions.first().data["headline"] == "After the admin"
    entry = Entry.objects.filter(target_id=str(story.pk)).first()
    assert (entry.action, entry.actor) == ("admin-save", admin_user)


def test_an_admin_edit_does_not_overwrite_a_save_made_meanwhile(admin_client, admin_user):
    from newsdesk.conftest import make_article
    from newsdesk.stories import services
    story = make_article(headline="Opened in the admin")
    data = _change_form_data(admin_client, story)
    fresh = Story.objects.get(pk=story.pk)
    fresh.headline = "Saved in the newsroom"
    services.save(fresh, by=admin_user)
    data["headline"] = "Stale admin edit"
    response = admin_client.post(f"/admin/stories/story/{story.pk}/change/", data)
    assert response.status_code == 200 and b"saved this story while you were editing" in response.content
    assert b"Stale admin edit" in response.content  # the admin's text is still in the form
    story.refresh_from_db()
    assert story.headline == "Saved in the newsroom"


def test_only_a_publisher_changes_a_story_status_in_the_admin(client, django_user_model):
    from django.contrib.auth.models import Permission
    from newsdesk.conftest import make_article
    story = make_article(headline="Live story")
    clerk = django_user_model.objects.create_user("clerk", password="a long enough password 1", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["change_story", "view_story"]))
    client.force_login(clerk)
    page = client.get(f"/admin/stories/story/{story.pk}/change/")
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
