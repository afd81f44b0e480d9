"""`newsdesk serve` refuses a body too large before reading it, and a body sent too slowly
holds none of Django's threads: it gets 408 while other readers are answered."""

import socket
import time
import urllib.parse

import pytest

from .conftest import Served, http_get
from .test_serve import PAGE

COMMENT = "/comments/stories/1/"


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    """One worker with one Django thread, no page cache (every GET needs that thread), short limits."""
    server = Served(tmp_path_factory.mktemp("strict"))
    server.env.update(WEB_CONCURRENCY="1", WEB_THREADS="1", PAGE_CACHE="false",
                      REQUEST_HEADER_SECONDS="2", REQUEST_BODY_SECONDS="2")
    server.newsdesk("migrate", "--noinput", "-v0")
    page = server.var_dir / "ferry.txt"
    page.write_text(PAGE)
    server.newsdesk("import", str(page))  # story 1, for the comment posted in full
    server.start()
    try:
        server.wait()
        yield server
    finally:
        server.stop()


def connect(server):
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    return s


def read_all(s):
    """Everything the server sends until it closes the connection."""
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    return data


def post_head(length, path=COMMENT, host="127.0.0.1", extra=""):
    return (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {length}\r\n{extra}\r\n").encode()


def test_a_body_declared_too_large_is_refused_with_413_before_it_is_sent(strict):
    with connect(strict) as s:
        s.sendall(post_head(50 * 1024 * 1024))  # and not a byte of the body
        started = time.monotonic()
        answer = read_all(s)

    assert time.monotonic() - started < 1
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"What you sent is too large: at most 2 MB is taken here." in answer


def test_a_picture_upload_may_be_larger_but_not_without_end(strict):
    with connect(strict) as s:
        s.sendall(post_head(30 * 1024 * 1024, path="/newsroom/pictures/", extra="Accept: application/json\r\n"))
        answer = read_all(s)

    assert answer.startswith(b"HTTP/1.1 413") and b'"error": "What you sent is too large: at most 22 MB' in answer


def test_a_chunked_body_is_cut_off_with_413_once_past_the_limit(strict):
    with connect(strict) as s:
        s.sendall(f"POST {COMMENT} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
        piece = b"x" * 65536
        try:
            for _ in range(40):  # 2.5 MB, past the 2 MB limit
                s.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        except OSError:
            pass  # the server answered and closed while we were still sending
        answer = read_all(s)

    assert answer.startswith(b"HTTP/1.1 413")


def test_a_stalled_body_gets_408_and_holds_no_django_thread(strict):
    # More stalled posts than the one Django thread: none of them may hold it.
    stalled = [connect(strict) for _ in range(5)]
    for s in stalled:
        s.sendall(post_head(1000) + b"text=half a comm")
    started = time.monotonic()
    for _ in range(5):
        asked = time.monotonic()
        status, _, _ = http_get(strict.url, "/", timeout=5)
        assert status == 200 and time.monotonic() - asked < 1

    answers = [read_all(s) for s in stalled]
    waited = time.monotonic() - started
    for s in stalled:
        s.close()
    assert all(answer.startswith(b"HTTP/1.1 408") for answer in answers), answers[0][:200]
    assert b"Your request did not arrive in time" in answers[0]
    assert waited < 2 + 1 + 2  # REQUEST_BODY_SECONDS, a second for each 64 KB begun, and slack


def test_a_long_body_reaches_django_whole(strict):
    # A guest's comment too long to take is shown back with what is wrong: all of it, nothing cut.
    text = "start " + "word " * 60_000 + "the end"
    body = urllib.parse.urlencode({"text": text, "name": "Gus", "email": "gus@example.org"}).encode()
    with connect(strict) as s:
        s.sendall(post_head(len(body), host=f"127.0.0.1:{strict.port}",
                            extra=f"Origin: {strict.url}\r\nConnection: close\r\n") + body)
        answer = read_all(s)

    assert answer.startswith(b"HTTP/1.1 400") and b"at most 5000 characters" in answer
    assert text.encode() in answer


def test_a_chunked_body_within_the_limit_reaches_django_whole(strict):
    # A client that sends its form in chunks, with no Content-Length: Django still reads all of it.
    text = "chunked " + "word " * 2_000 + "the end"
    body = urllib.parse.urlencode({"text": text, "name": "Gus", "email": "gus@example.org"}).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 4096]), body[i:i + 4096]) for i in range(0, len(body), 4096))
    with connect(strict) as s:
        s.sendall((f"POST {COMMENT} HTTP/1.1\r\nHost: 127.0.0.1:{strict.port}\r\n"
                   "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n"
                   f"Origin: {strict.url}\r\nConnection: close\r\n\r\n").encode() + chunks + b"0\r\n\r\n")
        answer = read_all(s)

    assert answer.startswith(b"HTTP/1.1 400") and b"at most 5000 characters" in answer
    assert text.encode() in answer


def test_a_stalled_request_line_is_dropped_after_the_header_time(strict):
    with connect(strict) as s:
        s.sendall(b"GET / HT")
        started = time.monotonic()
        assert read_all(s) == b""
    assert time.monotonic() - started < 2 + 2
