import secrets
from urllib.parse import quote

from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from newsdesk.comments import listing, services
from newsdesk.comments.forms import CommentForm, form_key, started_token
from newsdesk.comments.models import Comment, Report
from newsdesk.pagecache.middleware import volatile
from newsdesk.readers.services import display_name
from newsdesk.site.middleware import has_session
from newsdesk.site.shared import shared

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
    preview = context.get("preview", False)
    # A preview shows the comments as they will be once the story is out, and takes none.
    policy = story.comment_policy if preview else services.policy(story)
    posted_id, posted_message = posted_thanks(context.get("messages"))
    shown = {c.pk for thread in page.threads for c in (thread, *thread.shown_replies)}
    if posted_id not in shown:
        posted_id = None  # not on this page of comments: the thank-you goes by the form instead
    bound = context.get("comment_form")
    parent_id = None if bound is not None else _int(request.GET.get("reply"))
    if bound is None and parent_id is None and not preview and not posted_message and is_guests_page(request):
        form_html = guest_form(request, story)
    else:
        form = bound or CommentForm(user=user, initial={"parent": parent_id})
        volatile(request, form["started"].value())
        volatile(request, form["key"].value())
        parent_id = _int(form["parent"].value())
        replying_to = Comment.objects.filter(pk=parent_id, story=story, status=Comment.Status.APPROVED).first() if parent_id else None
        form_html = render_to_string("comments/_form.html", {
            **_form_context(request.user, story, form), "request": request, "posted_id": posted_id, "posted_message": posted_message,
            "replying_to": replying_to, "preview": preview,
            "user_display_name": display_name(user) if user.is_authenticated else "",
        })
    return {
        "posted_id": posted_id,
        "posted_message": posted_message,
        "request": request,
        "user": user,
        "story": story,
        "page": page,
        "form_html": form_html,
        "form_bound": bound is not None,
        "preview": preview,
        "policy": policy,
        "sorts": Comment.Sort.choices,
        "report_reasons": Report.Reason.choices,
    }


def _form_context(user, story, form):
    url = story.get_absolute_url()
    return {"user": user, "form": form, "max_length": settings.COMMENTS_MAX_LENGTH, "story_url": url,
            "story_url_quoted": quote(url), "post_url": reverse("comments:post", args=[story.pk])}


def is_guests_page(request):
    """A page that is the same for every guest (no session, not an answer to a post)."""
    return request.method in ("GET", "HEAD") and not has_session(request)


# What differs between guests' comment forms, written into the form kept for all of them.
_MARK = "-" + secrets.token_hex(8) + "-"
_POST_URL, _STORY_URL, _STORY_URL_QUOTED, _STARTED, _KEY = (
    f"post-url{_MARK}", f"story-url{_MARK}", f"url-quoted{_MARK}", f"started{_MARK}", f"key{_MARK}")


def _marked_form():
    """The form every guest gets, rendered once in this process (site.shared): building a Django
    form and rendering it was a sixth of an uncached article page. Each page fills in its story
    and the form's own signed time and key."""
    user = AnonymousUser()
    form = CommentForm(user=user, initial={"started": _STARTED, "key": _KEY})
    return render_to_string("comments/_form.html", {
        "user": user, "form": form, "max_length": settings.COMMENTS_MAX_LENGTH,
        "post_url": _POST_URL, "story_url": _STORY_URL, "story_url_quoted": _STORY_URL_QUOTED})


def guest_form(request, story):
    started, key = started_token(), form_key()
    volatile(request, started)
    volatile(request, key)
    url = story.get_absolute_url()
    html = shared("comments:guest-form", _marked_form, vary=settings.COMMENTS_MAX_LENGTH)
    # As the template would write each: escaped (and the story's address also quoted for a link's query).
    for mark, value in ((_POST_URL, reverse("comments:post", args=[story.pk])), (_STORY_URL, url),
                        (_STORY_URL_QUOTED, quote(url)), (_STARTED, started), (_KEY, key)):
        html = html.replace(mark, escape(value))
    return mark_safe(html)


@register.simple_tag(takes_context=True)
def can_edit(context, comment):
    return comment.can_edit(context["request"].user)


@register.simple_tag(takes_context=True)
def can_delete(context, comment):
    return comment.can_delete(context["request"].user)
