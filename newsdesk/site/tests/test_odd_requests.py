"""Odd addresses, parameters and form data, from readers and staff: a clear 4xx, never a 500."""

import pytest
from newsdesk.conftest import make_article

URLS = ["/?page=x", "/archive/2025/02/30/", "/archive/0/", "/archive/99999/12/", "/people/%00/", "/topics/x/?page=-1",
        "/comments/stories/999999/latest/?after=x", "/comments/stories/1/latest/?since=garbage",
        "/articles/{slug}/?sort=<script>&cpage=abc&reply=zz", "/articles/{slug}/?reply=999999",
        "/sections/nope/", "/sitemap.xml?p=abc", "/newsroom/stories/?status=bogus&page=x", "/account/login/?next=http://evil.example/",
        "/account/verify/garbage/", "/moderation/?show=bogus&page=z"]

@pytest.mark.django_db
def test_odd_requests_never_get_a_server_error(client, admin_client):
    story = make_article()
    for url in URLS:
        u = url.format(slug=story.slug)
        for c in (client, admin_client):
            r = c.get(u)
            assert r.status_code < 500, (u, r.status_code)
    for u in ["/comments/stories/%d/" % story.pk, "/comments/1/report/", "/comments/1/like/", "/newsroom/brief/"]:
        r = admin_client.post(u, {"text": "\x00bad", "reason": "zz"})
        assert r.status_code < 500, (u, r.status_code)


@pytest.mark.django_db
def test_a_nul_character_in_an_address_or_its_query_is_refused_clearly(client):
    for url in ("/search/?q=a%00b", "/api/stories?person=x%00", "/archive/?page=1%00", "/articles/a%00b/"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert b"NUL character" in response.content
    assert client.get("/api/stories?person=x%00").json()["error"].startswith("The address holds a NUL")
