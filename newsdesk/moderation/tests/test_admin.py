import pytest

from newsdesk.comments.models import Comment

from .conftest import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_comment(admin_client, story):
    make_comment(story, "Held for a look.")
    return admin_client


@pytest.mark.parametrize("model", ["comment", "report", "ban", "wordrule", "logentry"])
def test_the_comments_models_are_in_the_admin(admin_client_with_comment, model):
    assert admin_client_with_comment.get(f"/admin/comments/{model}/").status_code == 200


def test_approving_in_the_admin_goes_through_the_rules(admin_client, story):
    comment = make_comment(story)

    admin_client.post("/admin/comments/comment/", {"action": "approve", "_selected_action": [comment.pk]})

    comment.refresh_from_db()
    story.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED and story.comment_count == 1
    assert comment.log.get().action == "approve"
