"""Readable, unique URL slugs for headlines and names in any language."""

import re

from slugify import slugify as _slugify

# German and Nordic letters read better spelled out than stripped.
_REPLACEMENTS = [
    ["Ä", "Ae"], ["Ö", "Oe"], ["Ü", "Ue"], ["ä", "ae"], ["ö", "oe"], ["ü", "ue"], ["ß", "ss"],
    ["Æ", "Ae"], ["Ø", "Oe"], ["Å", "Aa"], ["æ", "ae"], ["ø", "oe"], ["å", "aa"],
]


def slugify(text, max_length=80):
    """ASCII slug: Cyrillic and other scripts are transliterated, so the URL
    reads the same in every browser, log and chat message."""
    return _slugify(text or "", max_length=max_length, word_boundary=True, save_order=True, replacements=_REPLACEMENTS)


def unique_slug(model, text, *, fallback, max_length=80, instance=None):
    """A slug for `text` not yet used by another row of `model` (-2, -3... on clashes)."""
    base = slugify(text, max_length=max_length) or fallback
    others = model._default_manager.order_by()
    if instance is not None and instance.pk:
        others = others.exclude(pk=instance.pk)
    # One indexed lookup in the common case; the numbered ones only on a clash.
    if not others.filter(slug=base).exists():
        return base
    taken = set(others.filter(slug__regex=rf"^{re.escape(base)}-[0-9]+$").values_list("slug", flat=True))
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
