import pytest

from newsdesk.people.models import Person, Topic
from newsdesk.stories import services
from newsdesk.stories.models import Story

pytestmark = pytest.mark.django_db


def test_the_editor_suggests_known_people_and_topics_the_text_mentions(client, django_user_model):
    from django.contrib.auth.models import Group

    editor = django_user_model.objects.create_user("edna", password="x")
    editor.groups.add(Group.objects.get(name="Editor"))
    Person.named("Vladimir Putin")
    Person.named("Elon Musk")
    Topic.named("Space")
    story = Story(headline="Putin and Musk talk", body="<p>Vladimir Putin said Elon Musk should work on space.</p>")
    services.save(story, by=editor, people=[Person.named("Elon Musk")])
    client.force_login(editor)

    html = client.get(f"/newsroom/stories/{story.pk}/").content.decode()

    assert 'data-name="Vladimir Putin"' in html and 'data-name="Space"' in html
    assert 'data-name="Elon Musk"' not in html  # already tagged
