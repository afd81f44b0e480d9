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

    # Putin, named in the text, was linked on saving: the editor may unlink him.
    assert 'data-remove-tag="people" data-name="Vladimir Putin"' in html
    assert 'data-add-tag="topics" data-name="Space"' in html  # topics are only suggested
    assert 'data-add-tag="people" data-name="Elon Musk"' not in html  # tagged already
