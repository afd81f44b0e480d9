"""The directory pages in a browser: valid HTML (W3C Nu validator) and no axe-core violations,
on a desktop and a phone."""

from datetime import timedelta
from urllib.request import urlopen

import pytest
from django.utils import timezone

from newsdesk.conftest import make_article, make_brief
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section
from newsdesk.testing import DESKTOP, PHONE, axe_violations, nu_errors

pytestmark = pytest.mark.browser

PATHS = {"sections": "/sections/", "people": "/people/", "topics": "/topics/", "site-map": "/site-map/",
         "people-page-2": "/people/?page=2"}


@pytest.fixture
def directory_pages(transactional_db, live_server):
    world, sport = Section.named("World"), Section.named("Sport")
    Section.named("Arts")  # no story yet
    space = Topic.named("Space")
    space.description = "Rockets, satellites and the people who send them up."
    space.save()
    people = [Person.named(f"Person {n:02}") for n in range(55)]  # two pages
    make_article(headline="Harbour ferry returns after winter repairs", section=world, people=people[:3],
                 topics=[space], published_at=timezone.now() - timedelta(days=40))
    make_article(headline="Die Fähre ist zurück", language="de", section=sport, people=people[3:], topics=[space])
    make_brief("The council approved the new ferry budget.", people=people[:1], topics=[Topic.named("Budget")])
    return {name: live_server.url + path for name, path in PATHS.items()}


def test_directory_pages_are_valid_html(directory_pages):
    pages = {}
    for name, url in directory_pages.items():
        with urlopen(url, timeout=30) as response:
            assert response.status == 200, url
            pages[name] = response.read().decode()

    errors = nu_errors(pages)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)


def test_directory_pages_have_no_axe_violations(directory_pages, browser):
    failures = {}
    for viewport_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
        try:
            page = context.new_page()
            for name, url in directory_pages.items():
                page.goto(url, wait_until="load")
                if violations := axe_violations(page):
                    failures[f"{name} ({viewport_name})"] = "\n".join(violations)
        finally:
            context.close()
    assert not failures, "axe-core violations:\n" + "\n".join(f"{page}:\n{report}" for page, report in failures.items())
