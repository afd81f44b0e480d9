"""Write endpoints: newsroom tokens create and change stories through the newsroom's own
rules: the editor's form checks the fields (and who may add people and topics), the stories
service saves with a revision, an audit entry and the edit-conflict check, and the workflow
(review, publish, schedule, withdraw) is the newsroom's, with the token owner's role."""

from django.db import transaction
from django.utils import timezone
from ninja import Path, Status

from newsdesk.newsroom.editing.forms import StoryForm
from newsdesk.stories import services
from newsdesk.stories.models import Section, Story

from .auth import NewsroomToken
from .errors import ApiError
from .present import stories_data
from .schemas import Error, StoryCreate, StoryOut, StoryUpdate, TooMany

# The same router as reading's: ninja keeps one set of methods per path.
from .reading import router  # noqa: E402

TOKEN = NewsroomToken()

WRITE_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 413: Error, 429: TooMany}
EDITOR_ONLY = ("published", "withdrawn")


def form_data(story, given):
    """What the newsroom editor would post: the story as saved, with the fields given."""
    data = {
        "kind": story.kind, "headline": story.headline, "standfirst": story.standfirst, "body": story.body,
        "authors": [p.pk for p in story.authors_in_order()],
        "byline": story.byline, "source": story.source, "section": story.section_id or "",
        "people": [p.name for p in story.people.all()] if story.pk else [],
        "topics": [t.name for t in story.topics.all()] if story.pk else [],
        "language": story.language, "embargo_until": story.embargo_until or "",
        "comments_mode": story.comments_mode, "lead_picture": story.lead_picture_id or "",
        "base_revision": "",
    }
    for name, value in given.items():
        if name == "section":
            value = section_id(value)
        elif name in ("people", "topics"):
            value = names(name, value)
        data[name] = "" if value is None else value
    for name in ("people", "topics"):
        data[name] = ", ".join(data[name])
    return data


def section_id(slug):
    if not slug:
        return ""
    found = Section.objects.filter(slug=slug).first()
    if found is None:
        raise ApiError(400, f"No section has the slug {slug!r}.", field="section")
    return found.pk


def names(field, values):
    values = values or []
    if any("," in value for value in values):
        raise ApiError(400, "A name cannot hold a comma: give each name as its own item.", field=field)
    return values


def first_error(form):
    for field, errors in form.errors.items():
        return ApiError(400, f"{field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors),
                        field=None if field == "__all__" else field)


def write(request, story, given, *, base_revision=None, action):
    """Check and save `story` with the fields `given`, then move it in the workflow as asked."""
    user = request.auth.owner
    status = given.pop("status", None)
    publish_at = given.pop("publish_at", None)
    reason = given.pop("withdrawn_reason", None)
    if status in EDITOR_ONLY and not services.can_publish(user):
        raise ApiError(403, "Only an editor can publish or withdraw a story.", field="status")
    if publish_at is not None:
        if timezone.is_naive(publish_at):
            publish_at = timezone.make_aware(publish_at)
        if status != "published" or publish_at <= timezone.now():
            raise ApiError(400, "publish_at schedules publishing: give it with status published, and in the "
                                "future (leave it out to publish now).", field="publish_at")
    if status == "withdrawn" and not (reason or "").strip():
        raise ApiError(400, "Say why the story is withdrawn (withdrawn_reason): readers see it.",
                       field="withdrawn_reason")
    data = form_data(story, given)
    if base_revision is not None:
        data["base_revision"] = base_revision
    form = StoryForm(data, instance=story, user=user)
    if not form.is_valid():
        raise first_error(form)
    try:
        with transaction.atomic():
            form.save_story(action=action)
            move(story, status, by=user, at=publish_at, reason=reason)
    except services.EditConflict as conflict:
        raise ApiError(409, f"{conflict.by_whom or 'Someone'} saved this story since revision {base_revision}: "
                            f"nothing was saved. Read it again and send your change with its new revision.",
                       field="base_revision") from None
    except services.WorkflowError as refused:
        raise ApiError(409, str(refused), field="status") from None
    fresh = Story.objects.select_related("section", "lead_picture", "link").get(pk=story.pk)
    return stories_data(request, [fresh])[0]


def move(story, status, *, by, at, reason):
    if status == "review" and story.status != Story.Status.REVIEW:
        services.submit_for_review(story, by=by)
    elif status == "published" and (at is not None or story.status != Story.Status.PUBLISHED):
        services.publish(story, by=by, at=at)
    elif status == "withdrawn":
        services.withdraw(story, by=by, reason=reason)
    elif status == "draft" and story.status == Story.Status.SCHEDULED:
        services.unschedule(story, by=by)


@router.post("/stories", response={201: StoryOut, **WRITE_ERRORS}, summary="Write a story", auth=TOKEN, tags=["write"])
def create_story(request, payload: StoryCreate):
    if not request.auth.owner.has_perm("stories.add_story"):
        raise ApiError(403, "Your newsroom role cannot write stories.")
    return Status(201, write(request, Story(), payload.model_dump(exclude_unset=True), action="create"))


@router.patch("/stories/{story_id}", response={200: StoryOut, **WRITE_ERRORS}, summary="Change a story", auth=TOKEN, tags=["write"])
def update_story(request, payload: StoryUpdate, story_id: int = Path(..., ge=1, le=2**31 - 1)):
    user = request.auth.owner
    story = Story.objects.select_related("section").filter(pk=story_id).first()
    if story is None:
        raise ApiError(404, "No such story.")
    if not (user.has_perm("stories.change_story") and services.can_edit(user, story)):
        raise ApiError(403, "You cannot edit this story: reporters edit their own drafts; editors any story.")
    given = payload.model_dump(exclude_unset=True)
    base_revision = given.pop("base_revision")
    return write(request, story, given, base_revision=base_revision, action="save")
