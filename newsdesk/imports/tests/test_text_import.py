import json
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsdesk.imports.reader import import_file
from newsdesk.imports.services import ImportFailed
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Story
from newsdesk.testing import need_shared

SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seed" / "000_4fb814c294a25f07.txt"
DAY = date(2025, 4, 4)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    need_shared(SEED, "the sample page")
    return SEED


def run_import(*args):
    out = StringIO()
    call_command("import", *map(str, args), stdout=out)
    return out.getvalue()


def json_lines(output):
    return [json.loads(line) for line in output.splitlines()]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_imports_as_one_article_and_five_briefs(seed):
    rows = json_lines(run_import(seed, "--date", DAY.isoformat(), "--json"))

    assert [(r["kind"], r["action"]) for r in rows] == [("article", "created")] + [("brief", "created")] * 5
    for row in rows:
        assert set(row) == {"kind", "id", "url", "action"}
        assert Story.objects.get(pk=row["id"]).get_absolute_url() == row["url"]
    article = Story.objects.articles().get()
    assert article.headline.startswith("‘We are already negotiating to work together in space")
    assert article.headline.endswith("Russian leader says")
    assert article.source == "Tass"
    assert "<p>“We are already negotiating" in article.body
    assert "Read next" not in article.body and "opinion" not in article.body


def test_sample_briefs_keep_their_times_on_the_given_date(seed):
    run_import(seed, "--date", DAY.isoformat())

    times = sorted(timezone.localtime(b.published_at).strftime("%H:%M") for b in Story.objects.briefs())
    assert times == ["10:10", "11:18", "12:05", "13:12", "17:08"]
    assert {timezone.localtime(b.published_at).date() for b in Story.objects.briefs()} == {DAY}


def test_the_1118_brief_is_labelled_with_vladimir_putin(seed):
    run_import(seed, "--date", DAY.isoformat())

    brief = next(b for b in Story.objects.briefs() if timezone.localtime(b.published_at).strftime("%H:%M") == "11:18")
    putin = Person.objects.get(name="Vladimir Putin")
    assert brief.label == putin
    assert brief.text.startswith("Russian President Vladimir Putin has appointed Alexander Darchiyev")
    assert "Vladimir Putin" not in brief.headline.split("Russian President")[0]
    # The briefs that name him are his too; the one that names nobody known has no label.
    assert [b.label for b in Story.objects.briefs().order_by("published_at")] == [None, brief.label, putin, putin, putin]


def test_the_vladimir_putin_page_lists_the_five_items_that_name_him(seed, client):
    run_import(seed, "--date", DAY.isoformat())
    putin = Person.objects.get(name="Vladimir Putin")

    page = client.get(putin.get_absolute_url())

    html = page.content.decode()
    teasers = html.count('<article class="teaser')
    assert page.status_code == 200 and teasers == 5
    named = Story.objects.filter(body__contains="Vladimir Putin")
    assert named.count() == 5 and set(putin.stories.all()) == set(named)
    assert all(story.get_absolute_url() in html for story in named)
    assert sum(story.is_brief for story in named) == 4  # the briefs are listed, not only the article
    starmer = Story.objects.get(body__contains="Keir Starmer")
    assert starmer.get_absolute_url() not in html


def test_importing_the_same_file_again_changes_nothing(seed):
    run_import(seed, "--date", DAY.isoformat())
    before = list(Story.objects.values_list("pk", "modified_at", "fingerprint").order_by("pk"))

    rows = json_lines(run_import(seed, "--date", DAY.isoformat(), "--json"))

    assert {r["action"] for r in rows} == {"unchanged"}
    assert list(Story.objects.values_list("pk", "modified_at", "fingerprint").order_by("pk")) == before
    assert Person.objects.count() == 1


def test_a_changed_page_updates_its_stories(tmp_path):
    path = write(tmp_path, "page.txt", "Bridge to reopen\nThe bridge reopens on Monday.\n")
    run_import(path)
    path.write_text("Bridge to reopen\nThe bridge reopens on Tuesday, a day late.\n")

    rows = json_lines(run_import(path, "--json"))

    assert rows == [{"kind": "article", "id": rows[0]["id"], "url": rows[0]["url"], "action": "updated"}]
    assert "Tuesday" in Story.objects.get().body


def test_page_chrome_is_dropped(tmp_path):
    path = write(tmp_path, "page.txt", "\n".join([
        "Harbour reopens", "Share", "The harbour reopened today.", "Share this article", "Read next",
        "09:15", "Weather", "Fog lifts by noon.", "What is your opinion on this topic?",
        "Leave the first comment", "© 2025 Example Media",
    ]))

    run_import(path, "--date", DAY.isoformat())

    article = Story.objects.articles().get()
    assert article.body == "<p>The harbour reopened today.</p>"
    brief = Story.objects.briefs().get()
    assert brief.text == "Fog lifts by noon."
    assert brief.label == Topic.objects.get(name="Weather")


def test_without_a_date_river_times_are_today_or_yesterday_never_the_future(tmp_path):
    now = timezone.localtime()
    later = (now + timedelta(minutes=90)).strftime("%H:%M")
    earlier = (now - timedelta(minutes=90)).strftime("%H:%M")
    path = write(tmp_path, "page.txt", f"Headline\nBody.\nRead next\n{later}\nLater item.\n{earlier}\nEarlier item.\n")

    run_import(path)

    for brief in Story.objects.briefs():
        assert brief.published_at <= timezone.now()
        assert timezone.localtime(brief.published_at).strftime("%H:%M") in (later, earlier)


def test_with_todays_date_a_time_still_to_come_is_yesterdays(tmp_path):
    # Read just after midnight, a page's river still lists the evening's briefs.
    now = timezone.localtime()
    later = (now + timedelta(minutes=90)).strftime("%H:%M")
    path = write(tmp_path, "page.txt", f"Headline\nBody.\nRead next\n{later}\nLater item.\n")

    run_import(path, "--date", now.date().isoformat())

    brief = Story.objects.briefs().get()
    assert brief.published_at <= timezone.now()
    assert Story.objects.published().filter(pk=brief.pk).exists()


@pytest.mark.parametrize(
    "text, line, reason",
    [
        ("", 1, "empty page"),
        ("Headline only\n", 1, "no body paragraphs"),
        ("Headline\nBody.\nRead next\n25:10\nA brief.\n", 4, "not a time of day"),
        ("Headline\nBody.\nRead next\nA brief with no time.\n", 4, "expected a time"),
        ("Headline\nBody.\nRead next\n12:00\n13:00\nText.\n", 4, "has no text"),
        ("Headline\n\nBody.\n12:00\nLost brief.\n", 4, "'Read next' line missing"),
        ("H" * 301 + "\nBody.\n", 1, "at most 300"),
    ],
)
def test_a_malformed_page_fails_with_file_line_and_reason(tmp_path, text, line, reason):
    path = write(tmp_path, "bad.txt", text)

    with pytest.raises(ImportFailed) as failure:
        import_file(path)

    assert failure.value.line == line
    assert reason in failure.value.reason
    assert str(failure.value).startswith(f"{path}:{line}: ")
    assert Story.objects.count() == 0


def test_invalid_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Headline\nBody.\nCaf\u00e9 au lait\n".encode("latin-1"))

    with pytest.raises(ImportFailed) as failure:
        import_file(path)

    assert failure.value.line == 3
    assert "not UTF-8" in failure.value.reason


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_page_saved_as_unicode_text_by_a_windows_tool_imports(tmp_path, encoding):
    page = "Fergen går igjen\r\nFørste avsnitt om fergen.\r\n\r\nAndre avsnitt.\r\n"
    bom = "\ufeff" if encoding == "utf-16-be" else ""  # "utf-16" writes its own mark
    path = tmp_path / "side.txt"
    path.write_bytes((bom + page).encode(encoding))

    [article] = [o.story for o in import_file(path)]

    assert article.headline == "Fergen går igjen"
    assert "Første avsnitt om fergen." in article.body and "Andre avsnitt." in article.body


def test_a_broken_unicode_text_page_fails_on_its_line(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes("Overskrift\nFørste linje.\n".encode("utf-16") + b"\x00")  # half a character

    with pytest.raises(ImportFailed) as failure:
        import_file(path)

    assert failure.value.line == 3
    assert "not UTF-16 text" in failure.value.reason


def test_a_failing_file_leaves_the_database_as_it_was_and_the_others_import(tmp_path):
    good = write(tmp_path, "a.txt", "Good page\nA fine body.\nRead next\n10:00\nA brief.\n")
    # The article would save before the river fails: the transaction must undo it.
    bad = write(tmp_path, "b.txt", "Bad page\nIts body.\nRead next\n10:00\nFine.\n99:99\nBroken.\n")
    stderr = StringIO()

    with pytest.raises(CommandError, match="1 of 2 files failed"):
        call_command("import", str(good), str(bad), stdout=StringIO(), stderr=stderr)

    assert list(Story.objects.values_list("headline", flat=True).order_by("pk")) == ["Good page", "A brief."]
    assert not Story.objects.filter(headline="Bad page").exists()


def test_the_command_reports_errors_with_file_and_line(tmp_path, capsys):
    bad = write(tmp_path, "bad.txt", "Headline\nBody.\nRead next\nno time here\n")

    with pytest.raises(CommandError):
        call_command("import", str(bad), stdout=StringIO())

    assert f"{bad}:4: expected a time" in capsys.readouterr().err


def test_dry_run_saves_nothing(seed):
    output = run_import(seed, "--dry-run")

    assert "dry run" in output and "6 created" in output
    assert Story.objects.count() == 0


def test_human_summary(seed):
    assert run_import(seed, "--date", DAY.isoformat()).strip().endswith("1 of 1 files imported: 6 created")
    assert "6 unchanged" in run_import(seed, "--date", DAY.isoformat())


def test_a_folder_imports_every_page_in_it(tmp_path):
    for n in range(3):
        write(tmp_path, f"p{n}.txt", f"Story number {n}\nBody {n}.\n")

    run_import(tmp_path)

    assert Story.objects.articles().count() == 3


def test_bad_date_option_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("import", "x.txt", "--date", "25/04/2025")


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(ImportFailed, match="No such file"):
        import_file(tmp_path / "missing.txt")
