"""Which parser reads a file, and importing one file whole."""

from django.db import DatabaseError
from django.utils import timezone

from . import ninjs, text
from .services import ImportFailed, TagCache, import_items


def looks_like_json(path, raw):
    return str(path).lower().endswith(".json") or raw.lstrip()[:1] in (b"{", b"[")


def parse_file(path, raw, *, date=None, cache=None):
    """StoryData and Skipped items of one file; `cache` is the import run's TagCache."""
    if looks_like_json(path, raw):
        return ninjs.parse_ninjs(path, raw)
    return text.parse_text(path, raw, date=date, now=timezone.now(), cache=cache)


def import_file(path, *, date=None, dry_run=False, cache=None):
    """Import one file in one transaction; ImportFailed leaves the database as it was."""
    try:
        raw = open(path, "rb").read()
    except OSError as err:
        raise ImportFailed(path, None, err.strerror or str(err)) from None
    cache = TagCache() if cache is None else cache
    items = parse_file(path, raw, date=date, cache=cache)
    try:
        return import_items(items, dry_run=dry_run, cache=cache)
    except DatabaseError as err:  # rolled back whole: say so, and let the other files go on
        raise ImportFailed(path, None, f"the database refused it: {err}") from None
