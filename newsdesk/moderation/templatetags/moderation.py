from django import template

from newsdesk.moderation import queue

register = template.Library()


@register.filter
def report_reasons(comment):
    return queue.report_reasons(comment)
