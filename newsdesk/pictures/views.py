"""The newsroom's picture library: upload, describe, use as a story's lead picture, fetch an
original; and the renditions' files for readers when no front server serves them."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import static
from django.views.decorators.http import require_POST, require_safe

from newsdesk.stories.models import Story

from . import services
from .forms import LeadForm, PictureForm, UploadForm
from .models import Picture

PER_PAGE = 24


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
    page = Paginator(Picture.objects.all(), PER_PAGE).get_page(request.GET.get("page"))
    status = refused if form.errors else 200
    return render(request, "pictures/library.html", {"form": form, "page_obj": page}, status=status)


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
    story = Story.objects.filter(pk=form.cleaned_data["story"]).first() if form.is_valid() else None
    if story is None:
        messages.error(request, f"There is no story #{request.POST.get('story', '')}.")
    else:
        try:
            services.use_as_lead(picture, story, by=request.user)
        except services.PictureError:
            raise PermissionDenied
        messages.success(request, f"This is now the lead picture of #{story.pk} “{story}”.")
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
