"""What every hostile-input test needs: a page checked for live markup, the corpus sampled the
same way on every run, and settings that let hundreds of comments through in one test."""

import pytest

from newsdesk.hostile import payloads
from newsdesk.hostile.markup import live_markup

# The everyday run feeds each entry point this many payloads (the same ones every run). The
# reliability run (pytest -m reliability) feeds the cheap paths (text formatting, sanitising,
# names, slugs, the text importer) every one of the corpus's payloads, the browser every
# script-like one, and each entry point served over HTTP a larger sample of its own (another
# salt each, so that together they cover about half the corpus within the run's 20 minutes).
SAMPLE = 120
RELIABILITY_SAMPLE = 500


def fast_sample(salt, size=SAMPLE):
    return payloads.sample(payloads.everything(), size, salt=salt)


def reliability_sample(salt):
    return payloads.sample(payloads.everything(), RELIABILITY_SAMPLE, salt=salt)


def clean_page(response, payload, where):
    """The response is not a server error, and an HTML page has no markup the payload made live.
    Returns the failures (empty when all is well), each naming the page and the payload."""
    failures = []
    if response.status_code >= 500:
        failures.append(f"{where}: {response.status_code} for {payload!r}")
    elif "html" in response.get("Content-Type", "") and not response.streaming:
        live = live_markup(response.content.decode("utf-8", "replace"))
        if live:
            failures.append(f"{where}: {', '.join(live[:3])} for {payload!r}")
    return failures


@pytest.fixture(autouse=True)
def hostile_settings(settings):
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_RATE_IP = (100000, 60)
    settings.COMMENTS_RATE_ACCOUNT = (100000, 60)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "hostile-tests"}}
    from django.core.cache import cache

    cache.clear()
    return settings
