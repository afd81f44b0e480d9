from io import StringIO

import pytest
from django.core.management import call_command

from newsdesk.stories.models import Story

pytestmark = pytest.mark.django_db


def test_demo_fills_the_front_page_once(client):
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())

    assert Story.objects.published().articles().count() == 4
    assert Story.objects.published().briefs().count() == 7
    html = client.get("/").content.decode()
    assert "the harbour route reopens" in html and "The fish market on the north quay" in html
    assert 'href="/people/ida-brenner/"' in html and 'href="/sections/local/"' in html
