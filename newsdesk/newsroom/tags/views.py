"""The newsroom's screens for people and topics: the list, new, edit (a rename leaves a
redirect), merge duplicates, delete; and the suggestions the story editor asks for."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Value
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from newsdesk.people import services
from newsdesk.stories.body import html_to_text

from newsdesk.pictures.services import PictureError, store_upload

from .forms import MergeForm, NewTagForm, PersonForm, TagForm, TagSearch

PER_PAGE = 50
# The story editor sends the whole text; more than this is not a story.
MAX_TEXT = 200_000


def newsroom_view(perm):
    """Anonymous visitors are sent to log in; a user without `perm` gets 403."""
    def decorate(view):
        return login_required(permission_required(perm, raise_exception=True)(view))
    return decorate


def _require(user, kind, *actions):
    if not user.has_perms([f"people.{action}_{kind}" for action in actions]):
        raise PermissionDenied


def _tag_or_404(kind, pk):
    model = services.KINDS.get(kind)
    if model is None:
        raise Http404("No such kind of tag.")
    return get_object_or_404(model, pk=pk)


def edit_url(tag):
    return reverse("newsroom:tag-edit", args=[services.kind_of(tag), tag.pk])


def _rows(model, q):
    kind = model._meta.model_name
    rows = model.objects.order_by()
    if q:
        rows = rows.filter(name__icontains=q)
    return rows.annotate(kind=Value(kind), story_count=Count("stories")).values("pk", "name", "slug", "kind", "story_count")


@newsroom_view("people.view_person")
def tag_list(request):
    form = TagSearch(request.GET)
    filters = form.filters()
    kinds = [filters["kind"]] if filters["kind"] else list(services.KINDS)
    querysets = [_rows(services.KINDS[kind], filters["q"]) for kind in kinds]
    rows = querysets[0].union(*querysets[1:], all=True) if len(querysets) > 1 else querysets[0]
    page = Paginator(rows.order_by(F("name").asc(), "kind"), PER_PAGE).get_page(request.GET.get("page"))
    user = request.user
    can_change = {kind: user.has_perm(f"people.change_{kind}") for kind in services.KINDS}
    for row in page.object_list:
        row["url"] = reverse(f"people:{row['kind']}", args=[row["slug"]])
        if can_change[row["kind"]]:
            row["edit_url"] = reverse("newsroom:tag-edit", args=[row["kind"], row["pk"]])
    return render(request, "newsroom/tags/list.html", {
        "form": form, "filters": filters, "page_obj": page,
        "can_add": user.has_perm("people.add_person") or user.has_perm("people.add_topic"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def new_tag(request):
    allowed = [kind for kind in services.KINDS if request.user.has_perm(f"people.add_{kind}")]
    if not allowed:
        raise PermissionDenied
    form = NewTagForm(request.POST or None, initial={"kind": request.GET.get("kind", allowed[0])})
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        _require(request.user, kind, "add")
        try:
            tag = services.create(services.KINDS[kind], form.cleaned_data["name"],
                                  description=form.cleaned_data["description"], by=request.user)
        except services.TagError as err:
            form.add_error("name", str(err))
        else:
            messages.success(request, f"Added “{tag.name}”.")
            return redirect(edit_url(tag))
    return render(request, "newsroom/tags/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit_tag(request, kind, pk):
    tag = _tag_or_404(kind, pk)
    _require(request.user, kind, "change")
    initial = {"name": tag.name, "description": tag.description}
    if kind == "person":
        initial.update(is_author=tag.is_author, role=tag.role, bio=tag.bio, aliases=tag.aliases, photo=tag.photo_id)
        form = PersonForm(request.POST or None, request.FILES or None, initial=initial, person=tag)
    else:
        form = TagForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        old_url = tag.get_absolute_url()
        try:
            with transaction.atomic():
                tag = services.edit(tag, name=form.cleaned_data["name"],
                                    description=form.cleaned_data["description"], by=request.user)
                if kind == "person":
                    _describe(request, tag, form.cleaned_data)
        except (services.TagError, PictureError) as err:
            form.add_error("new_photo" if isinstance(err, PictureError) else "name", str(err))
        else:
            moved = old_url != tag.get_absolute_url()
            messages.success(request, f"Saved “{tag.name}”." + (f" {old_url} now redirects here." if moved else ""))
            return redirect(edit_url(tag))
    return render(request, "newsroom/tags/edit.html", {
        "tag": tag, "kind": kind, "form": form,
        "story_count": services.story_count(tag),
        "old_slugs": tag.old_slugs.order_by("old_slug"),
        "can_merge": request.user.has_perms([f"people.change_{kind}", f"people.delete_{kind}"]),
        "can_delete": request.user.has_perm(f"people.delete_{kind}"),
    }, status=400 if form.errors else 200)


def _describe(request, person, data):
    """A person's author fields; an uploaded photo goes to the picture library first."""
    photo = data["photo"]
    if data.get("new_photo"):
        photo = store_upload(data["new_photo"], alt=f"{person.name}", by=request.user)
    services.describe_person(person, is_author=data["is_author"], role=data["role"], bio=data["bio"],
                             aliases=data["aliases"], photo=photo, by=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def merge_tag(request, kind, pk):
    """Step one: name the other one and choose which to keep. Step two: confirm, having
    read how many stories move. Only then are they merged."""
    tag = _tag_or_404(kind, pk)
    _require(request.user, kind, "change", "delete")
    form = MergeForm(request.POST or None, tag=tag)
    context = {"tag": tag, "kind": kind, "form": form}
    if request.method == "POST" and form.is_valid():
        keep, duplicate = form.pair()
        if form.cleaned_data["confirm"]:
            try:
                merged = services.merge(keep, duplicate, by=request.user)
            except services.TagError as err:
                messages.error(request, str(err))
                return redirect(edit_url(tag))
            messages.success(request, f"Merged “{merged.duplicate_name}” into “{merged.keep.name}”: "
                                      f"{merged.moved} stor{'y' if merged.moved == 1 else 'ies'} moved.")
            return redirect(edit_url(merged.keep))
        moved, shared = services.merge_preview(keep, duplicate)
        context.update(keep=keep, duplicate=duplicate, moved=moved, shared=shared, confirming=True)
    return render(request, "newsroom/tags/merge.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def delete_tag(request, kind, pk):
    tag = _tag_or_404(kind, pk)
    _require(request.user, kind, "delete")
    try:
        services.delete(tag, by=request.user)
    except services.TagError as err:
        messages.error(request, str(err))
        return redirect(edit_url(tag))
    messages.success(request, f"Deleted “{tag.name}”.")
    return redirect("newsroom:tags")


@newsroom_view("stories.change_story")
@require_http_methods(["GET", "POST"])
def suggestions(request):
    """The known people and topics a story's text mentions, for the story editor:
    [{"kind": "person", "id": 1, "name": "Vladimir Putin"}, ...]. `text` may be HTML."""
    data = request.POST if request.method == "POST" else request.GET
    text = data.get("text", "")[:MAX_TEXT]
    if "<" in text:
        text = html_to_text(text)
    try:
        limit = min(max(int(data.get("limit", 20)), 1), 50)
    except ValueError:
        limit = 20
    found = services.mentioned_in(text, limit=limit)
    return JsonResponse([mention.as_dict() for mention in found], safe=False)
