"""The newsroom's picture library: upload, describe, use as a story's lead picture, fetch an
original; and the renditions' files for readers when no front server serves them."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import static
from django.views.decorators.http import require_POST, require_safe

from newsdesk.stories import services as stories
from newsdesk.stories.models import Story

from . import services
from .forms import LeadForm, PictureForm, UploadForm
from .models import Picture

PER_PAGE = 24
CHOOSER_SIZE = 24


def search(query):
    """Pictures whose alt text, caption or credit has every word of `query`, newest first."""
    pictures = Picture.objects.all()
    for word in (query or "").split()[:10]:
        pictures = pictures.filter(Q(alt__icontains=word) | Q(caption__icontains=word) | Q(credit__icontains=word))
    return pictures


def story_for_lead(request):
    """The story a lead picture is being chosen for (`?story=`), if this user may edit it."""
    pk = request.GET.get("story", "")
    story = Story.objects.filter(pk=pk).first() if pk.isdigit() else None
    return story if story and request.user.has_perm("stories.change_story") and stories.can_edit(request.user, story) else None


@login_required
@permission_required("pictures.view_picture", raise_exception=True)
def library(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    refused = 400  # a refused upload's status: 507 when the disk is full
    if request.method == "POST":
        if not request.user.has_perm("pictures.add_picture"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                picture = services.store_upload(data["file"], alt=data["alt"], caption=data["caption"],
                                                credit=data["credit"], by=request.user)
            except services.PictureError as err:
                form.add_error(err.field if err.field in form.fields else None, str(err))
                refused = err.status
            else:
                messages.success(request, "Picture uploaded.")
                return redirect(picture.get_newsroom_url())
    query = request.GET.get("q", "").strip()[:200]
    page = Paginator(search(query), PER_PAGE).get_page(request.GET.get("page"))
    status = refused if form.errors else 200
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(request, "pictures/library.html", {
        "form": form, "page_obj": page, "query": query, "for_story": story_for_lead(request), "keep": keep.urlencode(),
    }, status=status)


@login_required
@require_safe
@permission_required("pictures.view_picture", raise_exception=True)
def choose(request):
    """The pictures matching `?q=`, for the editor's picture chooser."""
    found = search(request.GET.get("q", "").strip()[:200])[:CHOOSER_SIZE]
    response = JsonResponse({"pictures": [{
        "id": p.pk, "alt": p.alt, "caption": p.caption, "credit": p.credit,
        "src": p.src(640), "thumb": p.src(320), "width": p.width, "height": p.height,
    } for p in found if p.renditions]})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@permission_required("pictures.view_picture", raise_exception=True)
def picture(request, pk):
    picture = get_object_or_404(Picture, pk=pk)
    form = PictureForm(request.POST or None, instance=picture)
    if request.method == "POST":
        if not request.user.has_perm("pictures.change_picture"):
            raise PermissionDenied
        if form.is_valid():
            services.describe(picture, by=request.user, **form.cleaned_data)
            messages.success(request, "Saved.")
            return redirect(picture.get_newsroom_url())
    context = {
        "picture": picture, "form": form, "lead_form": LeadForm(),
        "stories": Story.objects.filter(lead_picture=picture).order_by("-pk")[:20],
    }
    return render(request, "pictures/picture.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
@permission_required("stories.change_story", raise_exception=True)
def use_as_lead(request, pk):
    picture = get_object_or_404(Picture, pk=pk)
    form = LeadForm(request.POST)
    story = form.cleaned_data["story"] if form.is_valid() else None
    if story is None:
        messages.error(request, "Choose a story for this picture: that one was not found.")
        return redirect(picture.get_newsroom_url())
    try:
        services.use_as_lead(picture, story, by=request.user)
    except services.PictureError:
        raise PermissionDenied
    messages.success(request, f"This is now the lead picture of “{story}”.")
    if request.POST.get("back") == "story":
        return redirect("newsroom:edit-story", story.pk)
    return redirect(picture.get_newsroom_url())


@login_required
@require_safe
@permission_required("pictures.view_picture", raise_exception=True)
def original(request, pk):
    """The original (upright, without its metadata), for newsroom members only: it is in no served folder."""
    picture = get_object_or_404(Picture, pk=pk)
    try:
        file = picture.original.open("rb")
    except FileNotFoundError:
        raise Http404("The original of this picture is missing.") from None
    response = FileResponse(file, as_attachment=True, filename=f"picture-{picture.pk}{Path(picture.original.name).suffix}")
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def rendition_file(request, name):
    """A rendition for readers. Its name is a hash of its content, so it may be cached for good."""
    response = static.serve(request, name, document_root=Path(settings.MEDIA_ROOT) / "pictures")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
