from django import template

from newsdesk.moderation import queue

register = template.Library()


@register.filter
def report_reasons(comment):
    return queue.report_reasons(comment)


def _moderates(context):
    perms = context.get("perms")
    return bool(perms) and perms["comments"]["moderate_comment"]


@register.inclusion_tag("moderation/_badge.html", takes_context=True)
def pending_badge(context):
    """The number of comments waiting, beside the newsroom menu's link to the queue."""
    return {"waiting": queue.pending_total() if _moderates(context) else 0}


@register.simple_tag(takes_context=True)
def pending_counts(context, stories):
    """{story id: comments waiting} for a list of stories, in one query; {} for a non-moderator."""
    return queue.pending_by_story(story.pk for story in stories) if _moderates(context) else {}


@register.inclusion_tag("moderation/_story_pending.html", takes_context=True)
def pending_link(context, story, counts=None, before=""):
    """'3 comments waiting', linking to the queue of this story's comments; nothing when none wait.

    Give `counts` (from pending_counts) in a list of stories, to count them all in one query."""
    if not _moderates(context) or story is None or not story.pk:
        return {"waiting": 0}
    waiting = counts.get(story.pk, 0) if counts is not None else queue.pending_by_story([story.pk]).get(story.pk, 0)
    return {"waiting": waiting, "story": story, "before": before}
