from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.csrf import csrf_failure as refuse_csrf
from django.views.decorators.http import require_http_methods, require_POST

from newsdesk import ratelimit
from newsdesk.site.limits import too_many
from newsdesk.stories.models import Story
from newsdesk.stories.views import story_page

from . import confirm, services
from .forms import CommentForm, EditForm, ReportForm
from .models import Comment, Report
from .templatetags.comments import SESSION_KEY


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _comment_html(request, comment):
    return render_to_string("comments/_comment.html", {
        "comment": comment, "reply": comment.thread_id is not None, "policy": services.policy(comment.story),
        "report_reasons": Report.Reason.choices, "request": request,
    }, request=request)


def _refused(request, story, form, status, retry_after=None):
    """The refusal, with everything the reader wrote still in the form (a 429 says when to retry)."""
    if wants_json(request):
        errors = [str(e) for e in form.non_field_errors()] + [f"{form[f].label}: {e}" for f in form.errors if f != "__all__" for e in form.errors[f]]
        response = JsonResponse({"error": " ".join(errors), "errors": errors, "fields": form.errors.get_json_data(),
                                 "started": form.data.get("started")}, status=status)
    else:
        story = Story.objects.for_page().get(pk=story.pk)  # with what its page shows
        response = story_page(request, story, status=status, comment_form=form)
    return too_many(response, retry_after) if status == 429 else response


@require_POST
def post(request, story_id):
    story = get_object_or_404(Story.objects.published(), pk=story_id)
    form = CommentForm(request.POST, user=request.user)
    if not form.is_valid():
        return _refused(request, story, form, 400)
    data = form.cleaned_data
    parent = Comment.objects.filter(pk=data["parent"]).first() if data.get("parent") else None
    try:
        comment = services.post(story, text=data["text"], user=request.user, name=data.get("name", ""),
                                email=data.get("email", ""), parent=parent, ip=ratelimit.client_ip(request),
                                form_key=data.get("key", ""))
    except services.Refused as refusal:
        form.add_error(None, refusal.reason)
        return _refused(request, story, form, refusal.status, refusal.retry_after)
    replayed = getattr(comment, "replayed", False)  # the same form sent again: answered as the first time
    if comment.status == Comment.Status.PENDING and not request.user.is_authenticated and not replayed:
        request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-49:], comment.pk]
    message = ("Thank you: your comment is published." if comment.is_visible else
               f"Thank you: your comment will appear once a moderator has read it ({comment.held_because}).")
    if wants_json(request):
        story.refresh_from_db(fields=["comment_count"])
        return JsonResponse({"id": comment.pk, "status": comment.status, "message": message,
                             "thread": comment.thread_id, "html": _comment_html(request, comment),
                             "count": story.comment_count}, status=200 if replayed else 201)
    # Shown at the comment itself, where the page opens (comment_section), not at the top of the page.
    messages.success(request, message, extra_tags=f"comment comment-{comment.pk}")
    return redirect(comment.get_absolute_url(), permanent=False)


def _own(request, pk):
    return get_object_or_404(Comment.objects.select_related("story"), pk=pk, story__in=Story.objects.published())


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    comment = _own(request, pk)
    if not comment.can_edit(request.user):
        return render(request, "comments/refused.html", {"comment": comment, "reason":
                      "You can edit your own comments for a few minutes after posting them."}, status=403)
    form = EditForm(request.POST or None, initial={"text": comment.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit(comment, request.user, form.cleaned_data["text"])
        except services.Refused as refusal:
            form.add_error("text", refusal.reason)
            return render(request, "comments/edit.html", {"comment": comment, "form": form}, status=refusal.status)
        messages.success(request, "Your comment is updated.")
        return redirect(comment.get_absolute_url())
    return render(request, "comments/edit.html", {"comment": comment, "form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def delete(request, pk):
    comment = _own(request, pk)
    if not comment.can_delete(request.user):
        return render(request, "comments/refused.html", {"comment": comment, "reason":
                      "Only its author can delete a comment."}, status=403)
    if request.method == "POST":
        services.delete(comment, request.user)
        messages.success(request, "Your comment is deleted.")
        return redirect(f"{comment.story.get_absolute_url()}#comments")
    return render(request, "comments/delete.html", {"comment": comment})


@require_POST
def report(request, pk):
    comment = _own(request, pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.report(comment, reason=form.cleaned_data["reason"], user=request.user,
                            ip=ratelimit.client_ip(request))
        except services.Refused as refusal:
            form.add_error(None, refusal.reason)
    if form.errors:
        if wants_json(request):
            return JsonResponse({"error": " ".join(e for errs in form.errors.values() for e in errs)}, status=400)
        return render(request, "comments/report.html", {"comment": comment, "form": form}, status=400)
    message = "Thank you: a moderator will look at it."
    if wants_json(request):
        return JsonResponse({"message": message})
    messages.success(request, message)
    return redirect(comment.get_absolute_url())


@require_POST
def like(request, pk):
    comment = _own(request, pk)
    try:
        services.like(comment, request.user)
    except services.Refused as refusal:
        if wants_json(request):
            return JsonResponse({"error": refusal.reason}, status=refusal.status)
        messages.error(request, refusal.reason)
        return redirect(comment.get_absolute_url())
    return redirect(comment.get_absolute_url())


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a guest's comment, like or report sent from this site without
    a token is shown back to be confirmed; anything else gets Django's 403."""
    kind = confirm.what_to_confirm(request, reason)
    if kind is None:
        return refuse_csrf(request, reason)
    if wants_json(request):
        return JsonResponse({"error": "The form's security token was missing or out of date: "
                                      "please send it again.", "csrf": True}, status=403)
    if kind == "comment":
        # A comment with mistakes goes back to its page at once, each tied to its field and all
        # that was typed still there (the answer to a post carries a token): nothing is saved.
        story = Story.objects.for_page().filter(pk=request.resolver_match.kwargs.get("story_id")).first()
        form = CommentForm(request.POST, user=request.user)
        if story is not None and not form.is_valid():
            return story_page(request, story, status=400, comment_form=form)
    hidden = [(name, value) for name, values in request.POST.lists() if name not in ("csrfmiddlewaretoken", "text")
              for value in values]
    return render(request, "comments/confirm.html", {
        "kind": kind, "text": request.POST.get("text", ""), "name": request.POST.get("name", ""),
        "hidden": hidden, "action": request.get_full_path(),
    }, status=403)
