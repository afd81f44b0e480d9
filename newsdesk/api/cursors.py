"""Cursor pagination: a page ends with an opaque cursor holding the sort key and id of its
last item, and the next page starts after that item. Unlike page numbers, a story published
meanwhile neither repeats an item nor skips one."""

import base64
import datetime
import json

from django.db.models import Q

from .errors import ApiError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def encode(values):
    text = json.dumps([v.isoformat() if isinstance(v, datetime.datetime) else v for v in values],
                      separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor, kinds):
    """The sort values in `cursor`, each checked against `kinds` (the types of the sort fields)."""
    bad = ApiError(400, "This cursor is not one the API gave out: start again without it.", field="cursor")
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise bad from None
    if not isinstance(values, list) or len(values) != len(kinds):
        raise bad
    decoded = []
    for value, kind in zip(values, kinds):
        if kind is datetime.datetime:
            try:
                value = datetime.datetime.fromisoformat(value)
            except (TypeError, ValueError):
                raise bad from None
            if value.tzinfo is None:
                raise bad
        elif type(value) is not kind:  # noqa: E721 (bool is not an int here)
            raise bad
        decoded.append(value)
    return decoded


def after(order, values):
    """Rows after the row with `values` in `order` ([(field, descending), ...]), as a Q."""
    condition = Q()
    for i, (field, descending) in enumerate(order):
        step = Q(**{f"{f}": v for (f, _), v in zip(order[:i], values[:i])})
        step &= Q(**{f"{field}__{'lt' if descending else 'gt'}": values[i]})
        condition |= step
    return condition


def page(queryset, order, kinds, *, cursor=None, limit=DEFAULT_LIMIT):
    """(items, next cursor or None): `limit` rows of `queryset` in `order`, after `cursor`."""
    if cursor:
        queryset = queryset.filter(after(order, decode(cursor, kinds)))
    queryset = queryset.order_by(*(f"-{f}" if desc else f for f, desc in order))
    rows = list(queryset[: limit + 1])
    items = rows[:limit]
    more = len(rows) > limit
    next_cursor = encode([getattr(items[-1], f) for f, _ in order]) if more and items else None
    return items, next_cursor
