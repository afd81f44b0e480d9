"""The desk asks the database the same few questions however long the queue is: what keeps
it fast with a hundred thousand items (bench/wire.py measures that)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.wire.models import Channel, WireItem, expiry

pytestmark = pytest.mark.django_db

# The session, the user, their sign-in, their permissions (own and groups'), the queue, the
# reader record the header asks for, the channels for the filter.
DESK_QUERIES = 8


def fill(count, start=0):
    now = timezone.now()
    channels = [Channel.objects.get_or_create(name=name, defaults={"path": f"drop-{name}"})[0] for name in ("TASS", "AFP")]
    WireItem.objects.bulk_create([
        WireItem(guid=f"ninjs:urn:bench:{n}", channel=channels[n % 2], agency=channels[n % 2].name, version="1",
                 headline=f"Report number {n}", urgency=n % 9 + 1, language="en",
                 subjects=[["medtop:11000000", "politics"]], subject_text="medtop:11000000 politics",
                 body_html=f"<p>Text of report {n}.</p>", updated_at=now - datetime.timedelta(seconds=n),
                 expires_at=expiry(now), status=WireItem.Status.CANCELED if n % 7 == 0 else WireItem.Status.USABLE)
        for n in range(start, start + count)])


def desk_queries(client, url="/newsroom/wire/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("url", ["/newsroom/wire/", "/newsroom/wire/?agency=TASS&urgency=5&q=report"])
def test_the_desk_asks_the_same_queries_for_three_items_as_for_a_full_queue(editor_client, url):
    fill(3)
    editor_client.get(url)  # the first request after signing in also records the sign-in
    response, few = desk_queries(editor_client, url)
    assert "Report number 2" in response.content.decode()
    fill(250, start=3)
    response, many = desk_queries(editor_client, url)
    page = response.content.decode()
    assert "Report number 0" in page and page.count('class="wire-row') <= 100
    assert len(many) == len(few) == DESK_QUERIES, "\n".join(many)


def test_a_selected_item_adds_one_query_not_one_per_row(editor_client):
    fill(150)
    item = WireItem.objects.get(guid="ninjs:urn:bench:3")
    editor_client.get("/newsroom/wire/")
    response, queries = desk_queries(editor_client, f"/newsroom/wire/?item={item.pk}")
    assert "Text of report 3." in response.content.decode()
    assert len(queries) == DESK_QUERIES + 1, "\n".join(queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_a_word_search_on_postgresql_can_be_answered_from_the_trigram_indexes():
    """Migration 0005's indexes are on the expressions Django writes for `icontains`: if either
    changed, a rare word would read the whole queue again."""
    from newsdesk.wire.forms import QueueFilter

    fill(3)
    form = QueueFilter({"q": "report"})
    sql, params = form.filter(WireItem.objects.current()).order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # on 3 rows reading them all would do
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in ("wire_word_headline", "wire_word_slugline", "wire_word_body"):
        assert index in plan, plan
