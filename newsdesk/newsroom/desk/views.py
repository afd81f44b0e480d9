"""The newsroom desk: the home page with the breaking-brief composer, revisions, the log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from newsdesk.audit.models import Entry
from newsdesk.people.models import Person, Topic
from newsdesk.stories import services
from newsdesk.stories.models import Revision, Story

from . import revisions as revision_info
from .forms import BriefForm, LogFilter, known_tags

LIST_SIZE = 8
LOG_PAGE_SIZE = 50


def newsroom_only(view):
    """Anonymous visitors are sent to log in; an account without a newsroom role gets 403."""
    return login_required(permission_required("stories.view_story", raise_exception=True)(view))


def desk_lists(user):
    """The home page's short lists, each one query."""
    stories = Story.objects.only("pk", "kind", "slug", "headline", "status", "published_at", "modified_at", "created_by")
    waiting = stories.filter(status=Story.Status.REVIEW).order_by("modified_at", "pk")
    if not services.can_publish(user):
        waiting = waiting.filter(created_by=user)
    return {
        "drafts": stories.filter(created_by=user, status=Story.Status.DRAFT).order_by("-modified_at", "-pk")[:LIST_SIZE],
        "waiting": waiting[:LIST_SIZE],
        "scheduled": stories.filter(status=Story.Status.SCHEDULED).order_by("published_at", "pk")[:LIST_SIZE],
        "published": stories.published().order_by("-published_at", "-pk")[:LIST_SIZE],
    }


def _home(request, form=None, status=200):
    can_publish = services.can_publish(request.user)
    if can_publish and form is None:
        form = BriefForm()
    return render(request, "newsroom/desk/home.html", {
        "form": form if can_publish else None,
        "known_tags": known_tags() if can_publish else [],
        **desk_lists(request.user),
    }, status=status)


@newsroom_only
def home(request):
    return _home(request)


@login_required
@permission_required("stories.publish_story", raise_exception=True)
@require_POST
def brief(request):
    form = BriefForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: a refused brief leaves no new person or topic behind.
            with transaction.atomic():
                model = Person if data["tag_kind"] == BriefForm.PERSON else Topic
                tag = model.named(data["tag"]) if data["tag"] else None
                story = services.publish_brief(
                    data["text"], by=request.user,
                    person=tag if isinstance(tag, Person) else None,
                    topic=tag if isinstance(tag, Topic) else None,
                )
        except services.WorkflowError as err:
            form.add_error("text", str(err))
        else:
            messages.success(request, _published_message(story, tag, data["tag_is_new"]))
            return redirect("newsroom:home")
    return _home(request, form, status=400)


def _published_message(story, tag, is_new):
    if tag is None:
        return format_html('Published the brief <a href="{}">{}</a>', story.get_absolute_url(), story.headline)
    kind = "person" if isinstance(tag, Person) else "topic"
    return format_html(
        'Published the brief <a href="{}">{}</a> labelled with the {}{} “{}”',
        story.get_absolute_url(), story.headline, "new " if is_new else "", kind, tag.name,
    )


def _editable_story(request, pk):
    story = get_object_or_404(Story, pk=pk)
    if not services.can_edit(request.user, story):
        raise PermissionDenied("You cannot edit this story.")
    return story


@login_required
def revisions(request, pk):
    story = _editable_story(request, pk)
    found = list(story.revisions.select_related("author"))
    labels = revision_info.actions(story, found)
    for revision in found:
        revision.action = labels[revision.number]
    return render(request, "newsroom/desk/revisions.html", {
        "story": story, "revisions": found,
        "a": found[1].number if len(found) > 1 else None, "b": found[0].number if found else None,
    })


def _number(value):
    return int(value) if value and value.isdigit() else None


@login_required
def diff(request, pk):
    story = _editable_story(request, pk)
    numbers = sorted(story.revisions.values_list("number", flat=True))
    if not numbers:
        return redirect("newsroom:revisions", pk=story.pk)
    b = _number(request.GET.get("b")) or numbers[-1]
    a = _number(request.GET.get("a")) or max([n for n in numbers if n < b] or [b])
    old = get_object_or_404(Revision.objects.select_related("author"), story=story, number=a)
    new = get_object_or_404(Revision.objects.select_related("author"), story=story, number=b)
    return render(request, "newsroom/desk/diff.html", {
        "story": story, "old": old, "new": new, "numbers": numbers,
        "changes": revision_info.changes(old.data, new.data),
    })


@login_required
@require_POST
def restore(request, pk, number):
    story = _editable_story(request, pk)
    revision = get_object_or_404(Revision, story=story, number=number)
    try:
        story = services.restore(story, revision, by=request.user)
    except services.WorkflowError as err:
        messages.error(request, f"Not restored: {err}")
    else:
        messages.success(request, f"Restored revision {number}: it is now revision {story.revision}.")
    return redirect("newsroom:revisions", pk=story.pk)


def _may_read_log(user):
    return user.has_perm("audit.view_entry") or services.can_publish(user)


@login_required
def log(request):
    if not _may_read_log(request.user):
        raise PermissionDenied("The log is for editors and admins.")
    form = LogFilter(request.GET)
    entries = form.filter(Entry.objects.select_related("actor"))
    page = Paginator(entries, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "newsroom/desk/log.html", {"form": form, "page_obj": page})
