import pytest

from newsdesk.conftest import make_member, write_story
from newsdesk.stories import services


@pytest.fixture
def editor(db):
    return make_member("edna", "Editor")


@pytest.fixture
def publish(editor):
    """Write and publish a story through the newsroom, as an editor does."""

    def publish(headline="Ferry returns after repairs", body="<p>The ferry is back on its route.</p>", *, people=None,
                topics=None, at=None, **fields):
        story = services.save(services.Story(headline=headline, body=body, **fields), by=editor,
                              people=people, topics=topics, action="create")
        return services.publish(story, by=editor, at=at)

    return publish
