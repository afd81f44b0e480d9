"""Browser checks of the people and topics pages, as the site's own
(newsdesk/site/tests/test_browser_quality.py): valid HTML (W3C Nu validator: 0 errors)
and no axe-core violations, with and without errors shown."""

import pytest
from django.urls import reverse

from newsdesk.conftest import make_article
from newsdesk.people.models import Person, Topic
from newsdesk.testing import axe_violations_in, nu_errors

pytestmark = pytest.mark.browser


@pytest.fixture
def tag_pages(editor_client):
    """{name: HTML} of every people and topics page, in the states an editor meets them."""
    putin, duplicate = Person.objects.create(name="Vladimir Putin"), Person.objects.create(name="V. Putin")
    space = Topic.objects.create(name="Space")
    make_article(people=[putin, duplicate], topics=[space])
    for n in range(60):
        Topic.objects.create(name=f"Topic {n:02d}")
    edit = reverse("newsroom:tag-edit", args=["person", putin.pk])
    merge = reverse("newsroom:tag-merge", args=["person", duplicate.pk])
    pages = {
        "list": ("get", reverse("newsroom:tags"), {"page": 2}),
        "list-empty": ("get", reverse("newsroom:tags"), {"q": "nobody"}),
        "new": ("get", reverse("newsroom:tag-new"), None),
        "new-errors": ("post", reverse("newsroom:tag-new"), {"kind": "person", "name": "vladimir putin"}),
        "edit": ("get", edit, None),
        "edit-deletable": ("get", reverse("newsroom:tag-edit", args=["topic", Topic.objects.last().pk]), None),
        "edit-errors": ("post", edit, {"name": " "}),
        "merge": ("get", merge, None),
        "merge-errors": ("post", merge, {"other": "nobody", "keep": "this"}),
        "merge-confirm": ("post", merge, {"other": "vladimir putin", "keep": "other"}),
    }
    return {name: getattr(editor_client, method)(path, data).content.decode() for name, (method, path, data) in pages.items()}


def test_every_tag_page_is_valid_html(tag_pages):
    errors = nu_errors(tag_pages)
    assert not errors, "\n".join(errors)


def test_every_tag_page_has_no_axe_violations(tag_pages, browser):
    failures = axe_violations_in(browser, tag_pages)
    assert not failures, "\n".join(failures)
