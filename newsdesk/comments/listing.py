"""What a reader sees of a story's comments: a page of threads, each with its replies."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q

from .models import Comment

ORDER = {
    Comment.Sort.OLDEST: ["created_at", "pk"],
    Comment.Sort.NEWEST: ["-created_at", "-pk"],
    Comment.Sort.LIKED: ["-like_count", "created_at", "pk"],
}


def visible_to(user=None, own_ids=()):
    """Approved comments, a deleted one's place in its thread, and the reader's own pending ones."""
    shown = Q(status__in=[Comment.Status.APPROVED, Comment.Status.DELETED])
    if own_ids:
        shown |= Q(pk__in=list(own_ids), status=Comment.Status.PENDING)
    if user is not None and user.is_authenticated:
        shown |= Q(author=user, status__in=[Comment.Status.PENDING, Comment.Status.REJECTED])
    return shown


def threads(story, *, sort=Comment.Sort.OLDEST, page=1, user=None, own_ids=()):
    """A page of top-level comments with `.shown_replies` on each; two queries and a count."""
    if sort not in ORDER:
        sort = Comment.Sort.OLDEST
    if not story.comment_count and not own_ids and not (user and user.is_authenticated):
        top = []  # nothing any reader could see: no query, nor one to build
    else:
        shown = visible_to(user, own_ids)
        top = Comment.objects.filter(shown, story=story, thread__isnull=True).order_by(*ORDER[sort])
    page = Paginator(top, settings.COMMENTS_PER_PAGE).get_page(page)
    threads = list(page.object_list)
    replies = {}
    if threads:
        found = (
            Comment.objects.filter(shown, thread__in=threads)
            .select_related("parent")
            .order_by("created_at", "pk")
        )
        for reply in found:
            replies.setdefault(reply.thread_id, []).append(reply)
    for thread in threads:
        thread.shown_replies = [r for r in replies.get(thread.pk, []) if r.status != Comment.Status.DELETED]
    # A deleted comment stays only as the head of replies that are still there.
    page.threads = [t for t in threads if t.status != Comment.Status.DELETED or t.shown_replies]
    page.sort = sort
    return page
