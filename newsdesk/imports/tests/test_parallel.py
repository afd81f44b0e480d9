"""A large import parses its files in other processes while this one saves them, in order."""

import importlib
import json
import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from newsdesk.imports import reader, services
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Story

import_command = importlib.import_module("newsdesk.imports.management.commands.import")  # a keyword as a name
pytestmark = pytest.mark.django_db
FILES = reader.PARALLEL_FROM + 15


def make_folder(folder, *, bad=()):
    """FILES files, text pages and ninjs documents taking turns; `bad` ones are broken."""
    for n in range(FILES):
        if n in bad:
            (folder / f"{n:03d}.txt").write_text(f"Page {n}\nBody.\nRead next\n25:61\nLate.\n", encoding="utf-8")
        elif n % 2:
            doc = {"uri": f"urn:test:{n}", "type": "text", "headlines": [{"role": "main", "value": f"Wire story {n}"}],
                   "bodies": [{"contenttype": "text/html", "value": f"<p>Wire body {n}.</p>"}],
                   "subjects": [{"name": "Weather"}], "people": [{"name": "Anna Berg"}]}
            (folder / f"{n:03d}.json").write_text(json.dumps(doc), encoding="utf-8")
        else:
            page = f"Harbour page {n}\nThe harbour opened.\nRead next\n10:{n % 60:02d}\nWeather\nStorm warning {n}. Ferries stop.\n"
            (folder / f"{n:03d}.txt").write_text(page, encoding="utf-8")
    return folder


def run(folder, *options):
    out, err = StringIO(), StringIO()
    try:
        call_command("import", str(folder), "--json", "--date", "2025-04-04", *options, stdout=out, stderr=err)
        error = None
    except CommandError as failure:
        error = str(failure)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue(), error


def test_files_parsed_by_other_processes_import_as_they_would_here(tmp_path, monkeypatch):
    folder = make_folder(tmp_path)
    pools = []

    class Pool(reader.ProcessPoolExecutor):
        def __init__(self, workers, **kwargs):
            pools.append(workers)
            super().__init__(workers, **kwargs)

    monkeypatch.setattr(reader, "ProcessPoolExecutor", Pool)

    rows, _, error = run(folder, "--workers", "2")

    assert pools == [2] and error is None
    assert [row["action"] for row in rows] == ["created"] * len(rows)
    assert Story.objects.count() == len(rows) == FILES // 2 + 2 * (FILES - FILES // 2)
    # Labels are told apart by the tags the run knows: "Weather" came as a ninjs subject.
    assert Topic.objects.get(name="Weather").stories.briefs().count() == FILES - FILES // 2
    assert Person.objects.get(name="Anna Berg").stories.count() == FILES // 2
    # In the order of the files, as they would be here.
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)

    again, _, _ = run(folder, "--workers", "0")
    assert [row["action"] for row in again] == ["unchanged"] * len(rows)
    assert [row["url"] for row in again] == [row["url"] for row in rows]


def test_a_broken_file_parsed_elsewhere_is_reported_and_the_others_import(tmp_path, capsys):
    folder = make_folder(tmp_path, bad={4, 30})

    rows, _, error = run(folder, "--workers", "1")
    err = capsys.readouterr().err

    assert error == f"2 of {FILES} files failed; they changed nothing"
    assert f"{folder / '004.txt'}:4: '25:61' is not a time of day" in err
    assert f"{folder / '030.txt'}:4:" in err
    assert not Story.objects.filter(headline__in=["Page 4", "Page 30"]).exists()
    assert Story.objects.count() == len(rows) > 0


def test_a_negative_number_of_workers_is_refused(tmp_path):
    with pytest.raises(CommandError, match="--workers must be 0 or more"):
        call_command("import", str(make_folder(tmp_path)), "--workers", "-1")


def test_a_few_files_are_parsed_here(tmp_path, monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("no processes for a few files")

    monkeypatch.setattr(reader, "ProcessPoolExecutor", no_pool)
    (tmp_path / "one.txt").write_text("One page\nIts body.\n", encoding="utf-8")

    rows, _, error = run(tmp_path, "--workers", "4")

    assert error is None and [row["action"] for row in rows] == ["created"]


def die(paths, *options):
    os._exit(9)  # as a parsing process killed for its memory would


def test_files_of_a_parsing_process_that_dies_are_parsed_here(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "_submit", lambda pool, batch, options: pool.submit(die, batch, *options))

    rows, _, error = run(make_folder(tmp_path), "--workers", "1")

    assert error is None and len(rows) == Story.objects.count() > FILES


def test_a_dry_run_of_many_files_reports_them_and_saves_nothing(tmp_path):
    rows, _, error = run(make_folder(tmp_path), "--workers", "1", "--dry-run")

    assert error is None and len(rows) > FILES and {row["action"] for row in rows} == {"created"}
    assert not Story.objects.exists() and not Person.objects.exists() and not Topic.objects.exists()


def test_an_interrupted_import_keeps_the_files_done_and_says_what_is_left(tmp_path, monkeypatch):
    record_many, batches = services.events.record_many, []

    def interrupted_in_the_second_batch(rows):  # as its last statements are sent
        batches.append(rows)
        if len(batches) == 2:
            raise KeyboardInterrupt
        return record_many(rows)

    monkeypatch.setattr(reader, "SAVE_FILES", 4)
    monkeypatch.setattr(services.events, "record_many", interrupted_in_the_second_batch)
    out = StringIO()

    with pytest.raises(CommandError, match=f"interrupted: {FILES - 4} of {FILES} files not imported") as stop:
        call_command("import", str(make_folder(tmp_path)), "--workers", "1", stdout=out)

    # The first four files were committed together; the next four are undone together.
    assert stop.value.returncode == 130
    assert out.getvalue().startswith(f"4 of {FILES} files imported")
    assert Story.objects.count() == 2 + 1 + 2 + 1  # two pages with a brief each, two ninjs stories
