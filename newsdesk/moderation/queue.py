"""What the moderation queue shows: comments by state, story and author, with their reports."""

from collections import Counter

from django.db.models import Count, Prefetch, Q

from newsdesk.comments.models import Comment, Report

# The queue's views of the comments: (value, label), the first is the default.
SHOWS = [
    ("pending", "Pending"),
    ("reported", "Reported"),
    ("spam", "Spam"),
    ("rejected", "Rejected"),
    ("all", "All"),
]
ORDERS = [("newest", "Newest first"), ("oldest", "Oldest first")]


def comments(*, show="pending", story="", user="", order="newest"):
    found = Comment.objects.select_related("story", "author").prefetch_related(
        Prefetch("reports", queryset=Report.objects.order_by("created_at", "pk"))
    )
    if show == "reported":
        found = found.filter(report_count__gt=0).exclude(status=Comment.Status.DELETED)
    elif show != "all":
        found = found.filter(status=show)
    if story:
        found = found.filter(story_id=int(story)) if story.isdigit() else found.filter(story__headline__icontains=story)
    if user:
        found = found.filter(
            Q(author__username__iexact=user) | Q(author__email__iexact=user) | Q(guest_email__iexact=user)
        )
    newest = order != "oldest"
    return found.order_by("-created_at", "-pk") if newest else found.order_by("created_at", "pk")


def _listed_before(comment, newest):
    """The comments the queue lists before `comment`, in its order."""
    if newest:
        return Q(created_at__gt=comment.created_at) | Q(created_at=comment.created_at, pk__gt=comment.pk)
    return Q(created_at__lt=comment.created_at) | Q(created_at=comment.created_at, pk__lt=comment.pk)


def where_next(comment, *, per_page, **filters):
    """Where the queue goes on once `comment` is dealt with: (the comment listed after it, or at
    the end the one before it; the page that comment is on now). (None, 1) when none is left.

    A comment acted on usually leaves the list (approved, it is no longer pending): those after
    it move up, so the page is counted again rather than kept."""
    newest = filters.get("order", ORDERS[0][0]) != "oldest"
    listed = comments(**filters).prefetch_related(None)
    others = listed.exclude(pk=comment.pk)
    before = _listed_before(comment, newest)
    following = others.exclude(before).first() or others.filter(before).last()
    if following is None:
        return None, 1
    return following, listed.filter(_listed_before(following, newest)).count() // per_page + 1


def page_of(comment, *, per_page, **filters):
    """The page the queue lists `comment` on, or None when these filters do not list it."""
    listed = comments(**filters).prefetch_related(None)
    if not listed.filter(pk=comment.pk).exists():
        return None
    newest = filters.get("order", ORDERS[0][0]) != "oldest"
    return listed.filter(_listed_before(comment, newest)).count() // per_page + 1


def report_reasons(comment):
    """[(reason, how many)] of a comment's reports, most frequent first; uses the prefetched reports."""
    counts = Counter(report.get_reason_display() for report in comment.reports.all())
    return counts.most_common()


def pending_total():
    """How many comments wait for a moderator (the queue's default view)."""
    return Comment.objects.filter(status=Comment.Status.PENDING).count()


def pending_by_story(story_ids):
    """{story id: how many of its comments wait for a moderator}, for the stories that have any."""
    rows = (Comment.objects.filter(status=Comment.Status.PENDING, story_id__in=list(story_ids))
            .values("story_id").annotate(waiting=Count("pk")).values_list("story_id", "waiting"))
    return dict(rows)
