"""Hostile text through the importer: ninjs wire stories built here with a payload in every
text field, imported and shown; and files that are not what they claim, refused by
`newsdesk import` with a clear reason, changing nothing."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from newsdesk.imports.reader import import_file
from newsdesk.imports.services import ImportFailed
from newsdesk.stories.models import Story
from newsdesk.testing import record_figures

from .conftest import clean_page, fast_sample, reliability_sample

pytestmark = pytest.mark.django_db


def ninjs(n, payload):
    return {
        "uri": f"urn:hostile:{n}", "type": "text", "version": "1", "versioncreated": "2024-03-01T10:00:00Z",
        "language": "en", "by": payload, "slugline": payload,
        "headlines": [{"role": "main", "value": payload}],
        "descriptions": [{"role": "summary", "value": payload}],
        "bodies": [{"role": "html", "contenttype": "text/html", "value": payload},
                   {"role": "text", "contenttype": "text/plain", "value": payload}],
        "subjects": [{"name": payload, "uri": f"urn:topic:{n}"}],
        "people": [{"name": payload}],
    }


def import_run(client, tmp_path, chosen):
    """Each payload in a ninjs file of its own: imported or refused with the file's name; each
    story imported shows its page without a server error or live markup."""
    failures, imported, refused = [], 0, 0
    for n, payload in enumerate(chosen):
        path = tmp_path / f"item{n}.json"
        path.write_text(json.dumps(ninjs(n, payload), ensure_ascii=False), encoding="utf-8", errors="surrogatepass")
        try:
            outcomes = import_file(path)
        except ImportFailed as failed:
            assert str(failed).startswith(str(path)), failed
            refused += 1
            continue
        except Exception as error:
            failures.append(f"{path.name}: {type(error).__name__}: {error} for {payload!r}")
            continue
        for outcome in outcomes:
            if outcome.story is not None and outcome.story.is_live:
                imported += 1
                failures += clean_page(client.get(outcome.story.get_absolute_url()), payload, path.name)
    return failures, imported, refused


def test_hostile_wire_stories_sample(client, tmp_path):
    failures, imported, refused = import_run(client, tmp_path, fast_sample("ninjs", 40))
    assert not failures, failures[:10]
    assert imported > 20


@pytest.mark.reliability
@pytest.mark.timeout(3600)  # thousands of files
def test_hostile_wire_stories_large_sample(client, tmp_path):
    chosen = reliability_sample("ninjs-reliability")
    failures, imported, refused = import_run(client, tmp_path, chosen)
    record_figures("hostile-ninjs-import", payloads=len(chosen), imported=imported, refused=refused,
                   failures=len(failures))
    assert not failures, failures[:10]


def test_import_command_refuses_files_that_are_not_stories_with_a_reason(tmp_path, capsys):
    files = {
        "binary.json": b"\x00\xff\xfe\x00garbage",
        "not-utf8.txt": "Headline\nBody".encode("utf-8") + b"\xc3\x28\n",
        "truncated.json": b'{"uri": "urn:x", "type": "text", "headlines": [',
        "wrong-shape.json": json.dumps({"uri": ["<script>alert(1)</script>"], "type": {"a": 1}}).encode(),
        "scalar.json": b'"<script>alert(1)</script>"',
        "deep.json": b"[" * 5000 + b"]" * 5000,  # a RecursionError once: a traceback, not a reason
        "long-integer.json": b'{"uri": "urn:x", "type": "text", "urgency": ' + b"9" * 5000 + b"}",
        "not-a-number.json": json.dumps(dict(ninjs(4, "Ferry"), urgency=float("nan"))).encode(),  # not JSON
        "wrong-version.json": json.dumps(dict(ninjs(2, "Ferry"), standard={"version": "' OR 1=1 --"})).encode(),
    }
    for name, raw in files.items():
        (tmp_path / name).write_bytes(raw)

    with pytest.raises(CommandError) as failed:
        call_command("import", str(tmp_path), stdout=StringIO())

    assert f"{len(files)} of {len(files)} files failed" in str(failed.value)
    errors = capsys.readouterr().err  # one line a file: `error: path:line: reason`
    for name in files:
        assert f"error: {tmp_path / name}:" in errors, name
    assert "Traceback" not in errors
    assert Story.objects.count() == 0


def test_values_ninjs_allows_but_that_mean_nothing_are_taken_with_a_note(tmp_path):
    """A valid document is never refused: an urgency too large for a float (an OverflowError
    once) and a time that is no time are left out, saying so."""
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(dict(ninjs(1, "Ferry"), urgency=10**400, versioncreated="' OR 1=1 --")))

    [outcome] = import_file(path)

    assert outcome.action == "created"
    story = outcome.story
    assert story.urgency is None and story.headline == "Ferry"
