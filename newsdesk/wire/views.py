"""The wire desk in the newsroom: the live queue with its filters and preview, an item with
its versions, taking it as a story or a brief, the alerts on stories, and the channels."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from newsdesk.stories import services as stories
from newsdesk.stories.models import Story

from . import alerts, grouping, taking
from .forms import ChannelForm, QueueFilter
from .models import Alert, Channel, WireItem

QUEUE_SIZE = 100
# The columns a queue row shows (rows.py), and no more: the body stays in the database.
ROW_FIELDS = ("pk", "headline", "slugline", "agency", "urgency", "status", "embargoed", "version", "updated_at",
              "taken_at", "priority", "group_id")


def desk(perm="wire.view_wireitem"):
    def decorator(view):
        return never_cache(login_required(permission_required(perm, raise_exception=True)(view)))
    return decorator


def _queue(request):
    form = QueueFilter(request.GET or None)
    items = WireItem.objects.current().only(*ROW_FIELDS)
    if request.GET:
        items = form.filter(items)
    return form, items


@desk()
def queue(request):
    form, items = _queue(request)
    items = grouping.collapse(list(items.order_by("-updated_at", "-pk")[:QUEUE_SIZE]))
    selected = None
    if (pk := request.GET.get("item", "")).isdigit():
        selected = WireItem.objects.current().filter(pk=int(pk)).first()
    query = request.GET.copy()
    query.pop("item", None)
    return render(request, "wire/queue.html", {
        "form": form, "items": items, "selected": selected, "query": query.urlencode(),
    })


@desk()
def rows(request):
    """Queue rows for the given ids that match the page's filters: what the live desk inserts."""
    ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.isdigit()][:50]
    _form, items = _queue(request)
    found = grouping.collapse(list(items.filter(pk__in=ids).order_by("-updated_at", "-pk"))) if ids else []
    query = request.GET.copy()
    query.pop("ids", None)
    return render(request, "wire/_rows.html", {"items": found, "query": query.urlencode()})


def _item(pk):
    return get_object_or_404(WireItem.objects.current().select_related("channel", "taken_by", "taken_story"), pk=pk)


def _versions_with_changes(item):
    versions = list(item.versions.order_by("received_at", "pk"))
    for older, newer in zip(versions, versions[1:], strict=False):
        newer.changes = alerts.changes(older, newer)
    return list(reversed(versions))


def _same_event(item):
    if not item.group_id:
        return []
    return list(WireItem.objects.current().filter(group_id=item.group_id).exclude(pk=item.pk)
                .only("pk", "headline", "agency", "group_score").order_by("-updated_at"))


@desk()
def item(request, pk):
    found = _item(pk)
    return render(request, "wire/item.html", {
        "item": found, "versions": _versions_with_changes(found), "same_event": _same_event(found),
        "links": found.links.select_related("story", "by", "version"),
    })


@desk()
def preview(request, pk):
    return render(request, "wire/_preview.html", {"item": _item(pk), "standalone": True})


@login_required
@permission_required("wire.view_wireitem", raise_exception=True)
@require_POST
def take(request, pk):
    found = _item(pk)
    if not request.user.has_perm("stories.add_story"):
        raise PermissionDenied("You cannot write stories.")
    kind = Story.Kind.BRIEF if request.POST.get("kind") == "brief" else Story.Kind.ARTICLE
    try:
        story = taking.take(found, by=request.user, kind=kind)
    except (taking.TakeError, stories.WorkflowError) as err:
        messages.error(request, f"Not taken: {err}")
        return redirect(found.get_absolute_url())
    what = "a brief" if kind == Story.Kind.BRIEF else "a story"
    note = f" It is under the agency's embargo until {found.embargoed:%Y-%m-%d %H:%M} UTC." if found.under_embargo else ""
    messages.success(request, f"Taken as {what}: a draft for you to edit.{note}")
    return redirect("newsroom:edit-story", pk=story.pk)


@login_required
@require_POST
def alert_action(request, pk, action):
    alert = get_object_or_404(Alert.objects.select_related("link__story", "link__item"), pk=pk)
    story = alert.link.story
    if not stories.can_edit(request.user, story) and not stories.can_publish(request.user):
        raise PermissionDenied("You cannot change this story.")
    try:
        if action == "apply":
            alerts.apply(alert, by=request.user)
            messages.success(request, f"The agency's version {alert.version.version} is now the story's latest revision.")
        elif action == "dismiss":
            alerts.dismiss(alert, by=request.user)
            messages.success(request, "Alert dismissed: the story stays as it is.")
        elif action == "withdraw":
            alerts.withdraw(alert, by=request.user, note=request.POST.get("note", ""))
            messages.success(request, "Withdrawn: readers see the note where the story was.")
        else:
            raise Http404("No such action.")
    except stories.WorkflowError as err:
        messages.error(request, str(err))
    back = request.POST.get("next", "")
    if back.startswith("/newsroom/") and not back.startswith("//"):
        return redirect(back)
    return redirect("newsroom:edit-story", pk=story.pk)


@desk("wire.change_channel")
def channel_list(request):
    return render(request, "wire/channels.html", {"channels": Channel.objects.all()})


@desk("wire.change_channel")
def channel(request, pk):
    found = get_object_or_404(Channel, pk=pk)
    return render(request, "wire/channel.html", {
        "channel": found, "errors": found.errors.all()[:10], "refused": found.refused.all()[:20],
        "counts": sorted((found.counts or {}).items()),
    })


@desk("wire.change_channel")
def channel_edit(request, pk=None):
    found = get_object_or_404(Channel, pk=pk) if pk else None
    form = ChannelForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Channel “{saved.name}” saved.")
        return redirect(saved.get_absolute_url())
    return render(request, "wire/channel_edit.html", {"form": form, "channel": found},
                  status=400 if form.errors else 200)


@login_required
@permission_required("wire.change_channel", raise_exception=True)
@require_POST
def channel_pause(request, pk):
    found = get_object_or_404(Channel, pk=pk)
    paused = request.POST.get("paused") == "1"
    Channel.objects.filter(pk=found.pk).update(paused=paused, next_run_at=None, failures=0)
    messages.success(request, f"Channel “{found.name}” {'paused' if paused else 'resumed'}.")
    return redirect(found.get_absolute_url())


def story_panel_context(story):
    """What a story's newsroom page shows of the wire: where it came from and its open alerts."""
    link = getattr(story, "wire_link", None) if story is not None and story.pk else None
    if link is None:
        return {}
    found = alerts.for_story(story)
    for alert in found:
        alert.diff = alerts.diff(alert)
    return {"wire_link": link, "wire_alerts": found, "next": reverse("newsroom:edit-story", args=[story.pk])}


