"""Hostile XML sent as wire copy: external entities (a file of this machine, a URL), entity
expansion bombs, external DTDs, XInclude, deep nesting and huge files are refused in well under
a second, and nothing from the file system or the network ends up in an item."""

import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from newsdesk.imports.formats import Item, Refused, read_agency_file
from newsdesk.imports.formats.safexml import MAX_BYTES
from newsdesk.stories.models import Story

NAR = "http://iptc.org/std/nar/2006-10-01/"
SECRET = "the-secret-of-this-machine-8d1f"
ITEM = f"""<newsItem xmlns="{NAR}" guid="urn:hostile" version="1" standard="NewsML-G2" standardversion="2.35">
<itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:X"/><versionCreated>2024-01-01T00:00:00Z</versionCreated>
</itemMeta><contentMeta><headline>{{headline}}</headline></contentMeta>
<contentSet><inlineXML contenttype="application/nitf+xml"><nitf xmlns="http://iptc.org/std/NITF/2006-10-18/">
<body><body.content><p>{{body}}</p></body.content></body></nitf></inlineXML></contentSet></newsItem>"""


@pytest.fixture
def listener():
    """A web server on loopback that records every request: none may come."""
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(f'<!ENTITY leak "{SECRET}">'.encode())

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()
    server.server_close()


def hostile_documents(secret_file, url):
    item = ITEM.format(headline="&x;", body="&x;")
    return {
        "file-entity": f'<?xml version="1.0"?><!DOCTYPE newsItem [<!ENTITY x SYSTEM "file://{secret_file}">]>{item}',
        "network-entity": f'<?xml version="1.0"?><!DOCTYPE newsItem [<!ENTITY x SYSTEM "{url}/entity">]>{item}',
        "parameter-entity": f'<!DOCTYPE newsItem [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>{item}',
        "external-dtd": f'<?xml version="1.0"?><!DOCTYPE newsItem SYSTEM "{url}/newsml.dtd">'
                        + ITEM.format(headline="Ferry", body="Back"),
        "billion-laughs": '<?xml version="1.0"?><!DOCTYPE newsItem [<!ENTITY x0 "ha">'
                          + "".join(f'<!ENTITY x{n} "{f"&x{n - 1};" * 10}">' for n in range(1, 10))
                          + "]>" + ITEM.format(headline="&x9;", body="&x9;").replace("&x9;", "&x9;", 2),
        "lowercase-doctype": f'<!doctype newsItem [<!ENTITY x SYSTEM "file://{secret_file}">]>{item}',
        "deep": ITEM.format(headline="Deep", body="<b>" * 20000 + "x" + "</b>" * 20000),
    }


def assert_nothing_leaked(items, requests):
    text = repr(items)
    assert SECRET not in text
    assert requests == []


@pytest.mark.parametrize("name", ["file-entity", "network-entity", "parameter-entity", "external-dtd",
                                  "billion-laughs", "lowercase-doctype", "deep"])
def test_hostile_xml_is_refused_fast_and_nothing_leaks(tmp_path, listener, name):
    url, requests = listener
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET)
    path = tmp_path / f"{name}.xml"
    path.write_text(hostile_documents(secret_file, url)[name], encoding="utf-8")

    started = time.perf_counter()
    items = read_agency_file(path)
    took = time.perf_counter() - started

    assert took < 0.5
    [refused] = items
    assert isinstance(refused, Refused) and str(refused).startswith(str(path))
    if name == "deep":
        assert "not well-formed XML" in refused.rule and "depth" in refused.rule.lower()
    else:
        assert "document type declaration" in refused.rule
    assert_nothing_leaked(items, requests)


def test_a_declaration_hidden_by_utf16_is_refused(tmp_path, listener):
    url, requests = listener
    path = tmp_path / "wide.xml"
    text = f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE n [<!ENTITY x SYSTEM "{url}/e">]>' + ITEM.format(
        headline="&x;", body="x")
    path.write_bytes(text.encode("utf-16"))

    [refused] = read_agency_file(path)

    assert isinstance(refused, Refused) and "document type declaration" in refused.rule
    assert_nothing_leaked([refused], requests)


def test_xinclude_is_not_followed(tmp_path, listener):
    url, requests = listener
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET)
    include = f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://{secret_file}" parse="text"/>'
    path = tmp_path / "xinclude.xml"
    path.write_text(ITEM.format(headline="Ferry", body="Back").replace("<body.content>", "<body.content>" + include))

    items = read_agency_file(path)

    assert_nothing_leaked(items, requests)


def test_a_file_larger_than_the_limit_is_refused_unread(tmp_path):
    path = tmp_path / "huge.xml"
    with path.open("wb") as file:
        file.write(ITEM.format(headline="Big", body="").encode().replace(b"<p></p>", b"<p>"))
        file.write(b"a" * (MAX_BYTES + 10))
        file.write(b"</p></body.content></body></nitf></inlineXML></contentSet></newsItem>")

    started = time.perf_counter()
    [refused] = read_agency_file(path)

    assert time.perf_counter() - started < 1
    assert isinstance(refused, Refused) and f"more than the {MAX_BYTES:,} bytes taken" in refused.rule


def test_a_well_behaved_item_of_the_same_shape_is_read(tmp_path):
    path = tmp_path / "fine.xml"
    path.write_text(ITEM.format(headline="Ferry &amp; quay", body="Back <em>today</em>"))

    [item] = read_agency_file(path)

    assert isinstance(item, Item) and item.headline == "Ferry & quay"
    assert item.clean_body() == "<p>Back <em>today</em></p>"


@pytest.mark.django_db
def test_the_import_command_refuses_hostile_xml_with_a_reason(tmp_path, listener, capsys):
    url, requests = listener
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET)
    folder = tmp_path / "wire"
    folder.mkdir()
    for name, text in hostile_documents(secret_file, url).items():
        (folder / f"{name}.xml").write_text(text)

    with pytest.raises(CommandError, match="7 of 7 files failed"):
        call_command("import", str(folder), stdout=StringIO())

    errors = capsys.readouterr().err
    assert errors.count("error: ") == 7 and SECRET not in errors and "Traceback" not in errors
    assert requests == [] and Story.objects.count() == 0
