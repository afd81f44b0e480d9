from django import template

from newsdesk.stories.rendering import reader_body

register = template.Library()

register.filter("reader_body", reader_body)
