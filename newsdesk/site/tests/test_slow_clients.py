"""Hundreds of slow clients tie up nothing: slowloris connections (a request's headers a byte
at a time, never finished) and slow posts (full headers, a large Content-Length, then a trickle
of body) against a real `newsdesk serve`, and through nginx, while a reader's pages still come
at once; every slow connection is closed after a bounded time. Figures: var/reliability/."""

import asyncio
import http.client
import time

import pytest

from newsdesk.testing import record_figures

from .conftest import Served

pytestmark = pytest.mark.reliability

HEADER_SECONDS, BODY_SECONDS = 3, 3
ATTACK_SECONDS = 12
SLOW_BODY = 100_000  # bytes declared; sent a byte at a time, so never all of them
GETS = 20


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """No page cache, so that every page a reader asks for needs one of Django's threads."""
    server = Served(tmp_path_factory.mktemp("slow-clients"))
    server.env.update(PAGE_CACHE="false", REQUEST_HEADER_SECONDS=str(HEADER_SECONDS),
                      REQUEST_BODY_SECONDS=str(BODY_SECONDS))
    server.newsdesk("migrate", "--noinput", "-v0")
    server.start()
    try:
        server.wait()
        yield server
    finally:
        server.stop()


async def _closed_within(reader, seconds):
    """Whether the server closed the connection (after any answer) within `seconds`."""
    try:
        while data := await asyncio.wait_for(reader.read(65536), seconds):
            del data
        return True
    except TimeoutError:
        return False
    except OSError:
        return True


async def slow_client(port, kind, until, lifetimes, refused, every=1.0):
    """Open a slow connection, feed it a byte every `every` seconds until the server closes it,
    and again, until `until`. Each connection's lifetime goes into `lifetimes`."""
    while time.monotonic() < until:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.2)
            continue
        opened = time.monotonic()
        if kind == "headers":
            writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        else:
            writer.write(b"POST /comments/stories/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: %d\r\n\r\ntext=" % SLOW_BODY)
        closed = False
        try:
            await writer.drain()
            while not closed and time.monotonic() - opened < 120:
                try:
                    first = await asyncio.wait_for(reader.read(12), every)
                except TimeoutError:  # still open: one more byte
                    writer.write(b"a")
                    await writer.drain()
                    continue
                if first.startswith(b"HTTP/1.1 429"):
                    refused.append(time.monotonic() - opened)
                closed = not first or await _closed_within(reader, 5)
        except OSError:
            closed = True
        if not closed:
            try:
                writer.write(b"a")
                await writer.drain()
                closed = await _closed_within(reader, 0.1)
            except OSError:
                closed = True
        lifetimes.append(time.monotonic() - opened if closed else float("inf"))
        writer.close()


async def reader_gets(host, port, path, source):
    """GETS sequential page loads, each on a new connection from `source`; their times."""
    def one():
        connection = http.client.HTTPConnection(host, port, timeout=10, source_address=(source, 0))
        try:
            started = time.monotonic()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response.status, time.monotonic() - started
        finally:
            connection.close()

    await asyncio.sleep(2)  # the slow clients are all connected by now
    answers = []
    for _ in range(GETS):
        answers.append(await asyncio.to_thread(one))
        await asyncio.sleep(0.3)
    return answers


async def attack(port, headers, bodies, reader_port, reader_source="127.0.0.1", every=1.0):
    until = time.monotonic() + ATTACK_SECONDS
    lifetimes = {"headers": [], "body": []}
    refused = []
    clients = [slow_client(port, "headers", until, lifetimes["headers"], refused, every) for _ in range(headers)]
    clients += [slow_client(port, "body", until, lifetimes["body"], refused, every) for _ in range(bodies)]
    *_, answers = await asyncio.gather(*clients, reader_gets("127.0.0.1", reader_port, "/", reader_source))
    return lifetimes, refused, answers


def test_hundreds_of_slow_clients_hold_nothing_and_are_closed_in_time(served):
    lifetimes, _, answers = asyncio.run(attack(served.port, headers=300, bodies=200, reader_port=served.port))

    times = [took for _, took in answers]
    record_figures("slow_clients_direct", slowloris_connections=len(lifetimes["headers"]),
                   slow_post_connections=len(lifetimes["body"]), page_loads=len(answers),
                   slowest_page_seconds=round(max(times), 3), longest_slowloris_seconds=round(max(lifetimes["headers"]), 1),
                   longest_slow_post_seconds=round(max(lifetimes["body"]), 1))
    assert all(status == 200 for status, _ in answers), answers
    assert max(times) < 1, times
    assert len(lifetimes["headers"]) >= 300 and len(lifetimes["body"]) >= 200
    # Headers: REQUEST_HEADER_SECONDS; bodies: REQUEST_BODY_SECONDS and a second per 64 KB begun.
    assert max(lifetimes["headers"]) < HEADER_SECONDS + 3, sorted(lifetimes["headers"])[-5:]
    assert max(lifetimes["body"]) < BODY_SECONDS + 2 + 3, sorted(lifetimes["body"])[-5:]


@pytest.mark.nginx
def test_slow_clients_through_nginx_hold_nothing_and_are_refused_past_the_per_address_cap(served, nginx_front):
    # The reader comes from another loopback address than the slow clients: nginx counts per address.
    # Bodies stall for longer than client_body_timeout (10 s) between bytes, to be dropped.
    port = int(nginx_front.rsplit(":", 1)[1])
    lifetimes, refused, answers = asyncio.run(
        attack(port, headers=150, bodies=150, reader_port=port, reader_source="127.0.0.2", every=11))

    times = [took for _, took in answers]
    record_figures("slow_clients_nginx", slowloris_connections=len(lifetimes["headers"]),
                   slow_post_connections=len(lifetimes["body"]), refused_429=len(refused), page_loads=len(answers),
                   slowest_page_seconds=round(max(times), 3), longest_slowloris_seconds=round(max(lifetimes["headers"]), 1),
                   longest_slow_post_seconds=round(max(lifetimes["body"]), 1))
    assert all(status == 200 for status, _ in answers), answers
    assert max(times) < 1, times
    assert len(refused) >= 50  # past 100 requests in progress from one address
    assert max(lifetimes["headers"]) < 10 + 3  # client_header_timeout
    assert max(lifetimes["body"]) < 10 + 3  # client_body_timeout

