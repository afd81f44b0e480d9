"""Writing and editing stories in the newsroom: the list, the editor, preview, autosave and
the workflow buttons. Each view looks up, checks, calls the stories service and responds."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from newsdesk.people.services import mentioned_in
from newsdesk.stories import services
from newsdesk.stories.models import Note, Story
from newsdesk.stories.views import story_page

from .forms import NoteForm, ScheduleForm, StoryFilterForm, StoryForm, WithdrawForm

PER_PAGE = 50
# Autosave writes only what readers cannot see yet: a live story changes on purpose, by Save.
AUTOSAVE_STATUSES = (Story.Status.DRAFT, Story.Status.REVIEW)


def newsroom(perm):
    """Signed in (else to the login page) and holding `perm` (else 403)."""
    def decorator(view):
        return login_required(permission_required(perm, raise_exception=True)(view))
    return decorator


def editable(view):
    """Gives the view the story `pk`, if this user may edit it (services.can_edit), else 403."""
    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        story = get_object_or_404(Story.objects.select_related("section"), pk=pk)
        if not services.can_edit(request.user, story):
            raise PermissionDenied("You cannot edit this story.")
        return view(request, story, *args, **kwargs)
    return wrapper


def edit_url(story):
    return reverse("newsroom:edit-story", args=[story.pk])


def local(at):
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}"


@newsroom("stories.change_story")
def story_list(request):
    filters = StoryFilterForm(request.GET)
    stories = filters.filter(Story.objects.select_related("created_by")).order_by("-modified_at", "-pk")
    page = Paginator(stories, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for story in page:
        story.editable = services.can_edit(request.user, story)
    return render(request, "newsroom/editing/list.html", {
        "filters": filters, "page": page, "query": query.urlencode(),
    })


@newsroom("stories.add_story")
def new_story(request):
    form = StoryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        story = form.save_story(action="create")
        messages.success(request, "Saved as a draft.")
        return redirect(edit_url(story))
    return render(request, "newsroom/editing/edit.html", {"form": form})


def actions(user, story):
    """The workflow buttons this user sees on this story (the services check again on use)."""
    status, shown = story.status, set()
    if services.can_publish(user):
        shown.add("note")
        if status != Story.Status.PUBLISHED:
            shown.add("publish")
        if status in (Story.Status.DRAFT, Story.Status.REVIEW, Story.Status.SCHEDULED):
            shown.add("schedule")
        if status == Story.Status.SCHEDULED:
            shown.add("unschedule")
        if status == Story.Status.PUBLISHED:
            shown.add("withdraw")
    elif status == Story.Status.DRAFT and services.can_edit(user, story):
        shown.add("submit")
    return shown


def _editor(request, story, form, *, status=200, **context):
    """The edit page: the form, the workflow buttons this user may use, the story's notes."""
    return render(request, "newsroom/editing/edit.html", {
        "story": story,
        "form": form,
        "actions": actions(request.user, story),
        "autosave": story.status in AUTOSAVE_STATUSES,
        "schedule_form": ScheduleForm(initial={"at": story.published_at if story.status == Story.Status.SCHEDULED else None}),
        "withdraw_form": WithdrawForm(),
        "note_form": NoteForm(),
        "notes": story.notes.select_related("author"),
        **_mentions(story),
        **context,
    }, status=status)


def _mentions(story):
    """What the story's text mentions of the known people and topics: `named_people`, the
    people it is linked to because the text names them (the editor may unlink them), and
    `suggestions`, those it is not linked to (topics, and people an editor unlinked)."""
    if story is None or not story.pk:
        return {"named_people": [], "suggestions": []}
    mentions = mentioned_in(" ".join([story.headline, story.standfirst, story.text]))
    tagged = {("person", n.lower()) for n in story.people.values_list("name", flat=True)}
    tagged |= {("topic", n.lower()) for n in story.topics.values_list("name", flat=True)}
    return {
        "named_people": [m for m in mentions if m.kind == "person" and (m.kind, m.name.lower()) in tagged],
        "suggestions": [m for m in mentions if (m.kind, m.name.lower()) not in tagged],
    }


def _conflict(request, story_pk, form, conflict):
    """409: the editor's text stays in the form; the latest saved version is shown beside it.

    The hidden base revision becomes the latest one, so saving again after comparing
    is a deliberate choice, not another conflict.
    """
    latest = Story.objects.select_related("section").get(pk=story_pk)
    return _editor(request, latest, form, status=409, conflict=conflict, latest=latest,
                   base_revision=latest.revision)


@never_cache
@newsroom("stories.change_story")
@editable
def edit_story(request, story):
    form = StoryForm(request.POST or None, instance=story, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            form.save_story()
        except services.EditConflict as conflict:
            return _conflict(request, story.pk, form, conflict)
        messages.success(request, "Saved.")
        return redirect(edit_url(story))
    return _editor(request, story, form, status=400 if form.errors else 200)


@never_cache
@newsroom("stories.change_story")
@editable
def preview(request, story):
    """The story through the reader's templates, with a banner; a POST previews unsaved edits."""
    if request.method == "POST":
        form = StoryForm(request.POST, instance=story, user=request.user)
        if not form.is_valid():
            return _editor(request, story, form, status=400)
        story = form.preview_story()
    # As readers will see it: its time to come (or none yet), its comments as they will be.
    response = story_page(request, story, preview=True)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@newsroom("stories.change_story")
@require_POST
@editable
def autosave(request, story):
    if story.status not in AUTOSAVE_STATUSES:
        return JsonResponse({"error": f"This story is {story.get_status_display().lower()}: it is not saved "
                                      "automatically. Use Save to change it."}, status=409)
    form = StoryForm(request.POST, instance=story, user=request.user)
    if not form.is_valid():
        return JsonResponse({"error": f"Not saved: {form_errors(form)}", "errors": form.errors}, status=400)
    try:
        form.save_story(action="autosave")
    except services.EditConflict as conflict:
        return JsonResponse({"error": str(conflict), "conflict": True}, status=409)
    saved_at = timezone.localtime(story.modified_at)
    return JsonResponse({"revision": story.revision, "saved_at": saved_at.isoformat(),
                         "saved_at_label": f"{saved_at:%H:%M}"})


def workflow(perm):
    """A workflow button: POST only, `perm`, the story; a WorkflowError becomes a message."""
    def decorator(view):
        @wraps(view)
        def wrapper(request, pk):
            story = get_object_or_404(Story, pk=pk)
            try:
                view(request, story)
            except services.WorkflowError as err:
                messages.error(request, str(err))
            return redirect(edit_url(story))
        return newsroom(perm)(require_POST(wrapper))
    return decorator


def form_errors(form):
    return " ".join(err for errs in form.errors.values() for err in errs)


@workflow("stories.change_story")
def submit(request, story):
    if not services.can_edit(request.user, story):
        raise PermissionDenied("You cannot edit this story.")
    services.submit_for_review(story, by=request.user)
    messages.success(request, "Sent for review: an editor will look at it.")


@workflow("stories.publish_story")
def publish(request, story):
    services.publish(story, by=request.user)
    if story.status == Story.Status.SCHEDULED:
        messages.success(request, f"Under embargo: scheduled for {local(story.published_at)}.")
    else:
        messages.success(request, "Published.")


@workflow("stories.publish_story")
def schedule(request, story):
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        raise services.WorkflowError(f"Not scheduled: {form_errors(form)}")
    services.publish(story, by=request.user, at=form.cleaned_data["at"])
    messages.success(request, f"Scheduled for {local(story.published_at)}.")


@workflow("stories.publish_story")
def unschedule(request, story):
    services.unschedule(story, by=request.user)
    messages.success(request, "No longer scheduled: the story is a draft again.")


@workflow("stories.publish_story")
def withdraw(request, story):
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        raise services.WorkflowError(f"Not withdrawn: say why (readers see the reason). {form_errors(form)}")
    services.withdraw(story, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, "Withdrawn.")


@workflow("stories.publish_story")
def note(request, story):
    form = NoteForm(request.POST)
    if not form.is_valid():
        raise services.WorkflowError(f"No note added: {form_errors(form)}")
    services.add_note(story, by=request.user, **form.cleaned_data)
    messages.success(request, f"{Note.Kind(form.cleaned_data['kind']).label} added.")
