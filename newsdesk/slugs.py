"""Readable, unique URL slugs for headlines and names in any language."""

import functools
import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
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


# Numbered slugs asked about up front for each base: a clash is then settled without
# another query unless the base and all of these are taken.
PROBES = 4


def slug_candidates(base, probes=PROBES):
    """The slugs `unique_slug` would try first for `base`: base, base-2 ... base-`probes`."""
    return [base, *(f"{base}-{n}" for n in range(2, probes + 1))]


class SlugPicker:
    """Unique slugs for many new rows of `model` at once, as `unique_slug` would choose
    them one by one: the base, else base-N with the smallest free N. The candidates of
    every base are looked up together (or passed in as `taken`, with `probed` the slugs
    that lookup covered); a slug picked here counts as taken for the rows after it."""

    def __init__(self, model, bases=(), *, taken=None, probed=None):
        self.model = model
        if probed is None:
            probed = {slug for base in bases for slug in slug_candidates(base)}
        self.probed = set(probed)
        if taken is None:
            taken = self._existing(self.probed)
        self.taken = set(taken)

    def _existing(self, slugs):
        if not slugs:
            return set()
        return set(self.model._default_manager.order_by().filter(slug__in=slugs).values_list("slug", flat=True))

    def pick(self, base):
        if base not in self.probed:  # a base not asked about up front
            candidates = slug_candidates(base)
            self.taken |= self._existing(set(candidates) - self.probed)
            self.probed.update(candidates)
        if base not in self.taken:
            return self._take(base)
        for slug in slug_candidates(base)[1:]:
            if slug not in self.taken:
                return self._take(slug)
        # Every probed number is taken: read them all, as unique_slug does.
        self.taken |= set(
            self.model._default_manager.order_by()
            .filter(slug__regex=rf"^{re.escape(base)}-[0-9]+$")
            .values_list("slug", flat=True)
        )
        n = PROBES + 1
        while f"{base}-{n}" in self.taken:
            n += 1
        return self._take(f"{base}-{n}")

    def _take(self, slug):
        self.taken.add(slug)
        return slug


def address(name, slug=None):
    """`reverse(name, args=[slug])` (or no args) for the site's pages named by a slug: reversed
    once for each URLconf and prefix, then filled in, since a page links dozens of them and
    lists and imports thousands. Slugs are URL-safe as they are (ASCII letters, digits, - and
    _, as SlugField holds them): nothing to quote."""
    head, tail = _around_slug(name, slug is not None, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f"{head}{slug}{tail}" if slug is not None else head


_PLACEHOLDER = "_slug_"


@functools.lru_cache(maxsize=256)
def _around_slug(name, with_slug, prefix, urlconf):
    # `prefix` is what reverse() reads itself: here it keeps one prefix's addresses from another's.
    if not with_slug:
        return reverse(name, urlconf=urlconf), ""
    return tuple(reverse(name, args=[_PLACEHOLDER], urlconf=urlconf).rsplit(_PLACEHOLDER, 1))
