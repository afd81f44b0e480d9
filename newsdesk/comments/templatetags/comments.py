from django import template
from django.conf import settings

from newsdesk.comments import listing, services
from newsdesk.comments.forms import CommentForm
from newsdesk.comments.models import Comment, Report
from newsdesk.pagecache.middleware import volatile
from newsdesk.readers.services import display_name

register = template.Library()

SESSION_KEY = "comments_posted"  # ids of a guest's comments still waiting, to show them to the guest


def own_ids(request):
    return request.session.get(SESSION_KEY, []) if hasattr(request, "session") else []


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def posted_thanks(messages):
    """(comment id, thank-you) of the comment just posted without JavaScript, if any."""
    for message in messages or ():
        tags = (message.extra_tags or "").split()
        if "comment" in tags:
            ids = [_int(tag.removeprefix("comment-")) for tag in tags if tag.startswith("comment-")]
            return (ids[0] if ids else None), str(message)
    return None, ""


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, story):
    request = context["request"]
    user = request.user
    page = listing.threads(story, sort=request.GET.get("sort"), page=request.GET.get("cpage"),
                           user=user, own_ids=own_ids(request))
    form = context.get("comment_form") or CommentForm(user=user, initial={"parent": _int(request.GET.get("reply"))})
    volatile(request, form["started"].value())
    volatile(request, form["key"].value())
    parent_id = _int(form["parent"].value())
    replying_to = Comment.objects.filter(pk=parent_id, story=story, status=Comment.Status.APPROVED).first() if parent_id else None
    posted_id, posted_message = posted_thanks(context.get("messages"))
    shown = {c.pk for thread in page.threads for c in (thread, *thread.shown_replies)}
    if posted_id not in shown:
        posted_id = None  # not on this page of comments: the thank-you goes by the form instead
    return {
        "posted_id": posted_id,
        "posted_message": posted_message,
        "request": request,
        "user": user,
        "story": story,
        "page": page,
        "form": form,
        "form_status": context.get("comment_status"),
        "replying_to": replying_to,
        # A preview shows the comments as they will be once the story is out, and takes none.
        "preview": context.get("preview", False),
        "policy": story.comment_policy if context.get("preview") else services.policy(story),
        "sorts": Comment.Sort.choices,
        "report_reasons": Report.Reason.choices,
        "max_length": settings.COMMENTS_MAX_LENGTH,
        "user_display_name": display_name(user) if user.is_authenticated else "",
    }


@register.simple_tag(takes_context=True)
def can_edit(context, comment):
    return comment.can_edit(context["request"].user)


@register.simple_tag(takes_context=True)
def can_delete(context, comment):
    return comment.can_delete(context["request"].user)
