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
