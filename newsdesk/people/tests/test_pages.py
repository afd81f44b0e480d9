from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.conftest import make_article, make_brief
from newsdesk.people.models import Person, Topic

pytestmark = pytest.mark.django_db


def test_person_page_lists_their_stories_newest_first(client):
    putin = Person.objects.create(name="Vladimir Putin", description="President of Russia.")
    make_article(headline="Older article", people=[putin], published_at=timezone.now() - timedelta(hours=3))
    make_brief("Newest brief.", people=[putin], published_at=timezone.now() - timedelta(minutes=1))
    make_article(headline="Not about him")

    html = client.get("/people/vladimir-putin/").content.decode()

    assert "<h1" in html and "Vladimir Putin" in html and "President of Russia." in html
    assert html.index("Newest brief.") < html.index("Older article")
    assert "Not about him" not in html


def test_topic_page_paginates(client):
    space = Topic.objects.create(name="Space")
    for n in range(25):
        make_article(headline=f"Space story {n:02d}", topics=[space], published_at=timezone.now() - timedelta(minutes=n + 1))

    first = client.get("/topics/space/").content.decode()
    second = client.get("/topics/space/?page=2").content.decode()

    assert "Space story 00" in first and "Space story 19" in first and "Space story 20" not in first
    assert "Space story 20" in second and "Space story 24" in second
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_unknown_person_or_topic_or_page_is_a_friendly_404(client):
    Topic.objects.create(name="Space")

    for url in ["/people/nobody/", "/topics/nothing/", "/topics/space/?page=99"]:
        page = client.get(url)
        assert page.status_code == 404, url
        assert b"couldn't find that page" in page.content


def test_names_match_case_insensitively():
    assert Person.named("vladimir  putin") == Person.named("Vladimir Putin")
    assert Person.objects.count() == 1
