"""Hostile slugs and query strings on every reader page: no server error, nothing of the
payload live in the page, and SQL-injection payloads change no result (queries stay
parameterised: the payload is never part of the SQL text)."""

from contextlib import contextmanager
from urllib.parse import quote, urlencode

import pytest
from django.db import connection

from newsdesk.comments.models import Comment
from newsdesk.conftest import make_article, make_brief
from newsdesk.hostile import payloads
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section
from newsdesk.testing import record_figures

from .conftest import clean_page, fast_sample, reliability_sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    section = Section.objects.create(name="Harbour")
    person, topic = Person.objects.create(name="Nora Lind"), Topic.objects.create(name="Ferries")
    article = make_article(section=section, people=[person], topics=[topic])
    brief = make_brief(section=section)
    for n in range(3):
        Comment.objects.create(story=article, text=f"Comment {n}", html=f"<p>Comment {n}</p>", author_name="Guest",
                               digest=str(n), status=Comment.Status.APPROVED)
    article.comment_count = 3
    article.save(update_fields=["comment_count"])
    return {"article": article, "brief": brief, "section": section, "person": person, "topic": topic}


def urls_for(site, payload):
    """The reader pages, each with the payload where a reader's browser could put it."""
    article, slug = site["article"].get_absolute_url(), quote(payload.encode("utf-8", "surrogatepass"), safe="")
    q = lambda **params: "?" + urlencode(params, encoding="utf-8", errors="surrogatepass")
    return [
        f"{article}{q(sort=payload, cpage=payload, reply=payload)}",
        f"{article}{q(reply=payload)}",
        f"/articles/{slug}/", f"/briefs/{slug}/", f"/sections/{slug}/", f"/people/{slug}/", f"/topics/{slug}/",
        f"/{q(page=payload)}", f"/sections/{site['section'].slug}/{q(page=payload)}",
        f"/people/{site['person'].slug}/{q(page=payload)}", f"/topics/{site['topic'].slug}/{q(page=payload)}",
        f"/archive/{q(page=payload)}", f"/sitemap.xml{q(p=payload)}",
    ]


@contextmanager
def sql_texts():
    """The SQL sent to the database, without its parameters (which the driver passes apart)."""
    seen = []

    def capture(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        yield seen


def feed(client, site, chosen):
    failures, requests = [], 0
    for payload in chosen:
        for url in urls_for(site, payload):
            requests += 1
            try:
                with sql_texts() as sqls:
                    response = client.get(url)
            except Exception as error:  # the test client re-raises a view's exception: that is the 500
                failures.append(f"{url}: {type(error).__name__}: {error}")
                continue
            failures += clean_page(response, payload, url)
            if "'" in payload and len(payload) > 5:
                failures += [f"{url}: payload in SQL text {sql[:80]!r}" for sql in sqls if payload in sql]
    return failures, requests


def test_hostile_slugs_and_query_strings_sample(client, site):
    failures, requests = feed(client, site, fast_sample("reader-pages", 40))
    assert not failures, failures[:10]


@pytest.mark.reliability
@pytest.mark.timeout(3600)  # thousands of requests
def test_hostile_slugs_and_query_strings_large_sample(client, site):
    chosen = reliability_sample("reader-pages-reliability")
    failures, requests = feed(client, site, chosen)
    record_figures("hostile-reader-pages", payloads=len(chosen), requests=requests,
                   server_errors=sum(": 500" in f or "Error" in f for f in failures), live=len(failures))
    assert not failures, failures[:10]


def sql_in_listings(client, site, chosen):
    """Each SQL-injection payload as ?page=, ?sort= or ?cpage=: the page shows the same stories and
    comments as without it, or (a page number that is not one) none at all, as a 404."""
    def listing(url):
        response = client.get(url)
        page = response.content.decode()
        return response.status_code, page.count("<article"), page.count('class="comment')

    section = f"/sections/{site['section'].slug}/"
    article = site["article"].get_absolute_url()
    baseline = {section: listing(section), article: listing(article)}
    changed = []
    for payload in chosen:
        for url, param in ((section, "page"), (article, "sort"), (article, "cpage")):
            query = urlencode({param: payload})
            status, stories, comments = listing(f"{url}?{query}")
            if (status, stories, comments) != baseline[url] and not (status == 404 and param == "page"):
                changed.append(f"{url}?{query}: {status}, {stories} stories, {comments} comments")
    return changed


def test_sql_injection_in_page_numbers_and_sorting_changes_nothing_sample(client, site):
    changed = sql_in_listings(client, site, payloads.sample(payloads.collected("sqli"), 60, salt="sql-listings"))
    assert not changed, changed[:10]


@pytest.mark.reliability
@pytest.mark.timeout(3600)  # thousands of requests
def test_sql_injection_in_page_numbers_and_sorting_changes_nothing(client, site):
    changed = sql_in_listings(client, site, payloads.collected("sqli"))
    record_figures("hostile-sql-in-query-strings", payloads=len(payloads.collected("sqli")), changed=len(changed))
    assert not changed, changed[:10]
