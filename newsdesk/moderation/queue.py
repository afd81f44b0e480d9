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
