import pytest
from django.urls import reverse

from newsdesk.people.models import Person
from newsdesk.stories import services
from newsdesk.stories.models import Revision, Story

from ..revisions import text_diff, word_diff
from .conftest import make_member, write_story

pytestmark = pytest.mark.django_db


def edit(story, by, **fields):
    for name, value in fields.items():
        setattr(story, name, value)
    return services.save(story, by=by)


def test_revisions_list_number_author_and_action(editor_client, editor, reporter):
    story = write_story(reporter)
    edit(story, editor, headline="Ferry back on its route")
    services.submit_for_review(story, by=reporter)
    services.publish(story, by=editor)

    page = editor_client.get(reverse("newsroom:revisions", args=[story.pk])).content.decode()

    rows = page[page.index("<tbody>"):]
    for number, who, what in [(4, "edna", "Published"), (3, "remy", "Sent for review"), (2, "edna", "Saved"),
                              (1, "remy", "Created")]:
        row = rows[rows.index(f'<th scope="row">{number}'):]
        row = row[: row.index("</tr>")]
        assert who in row and what in row, (number, row)


def test_the_diff_shows_changed_words(editor_client, editor):
    story = write_story(editor, body="<p>The ferry returns on Monday.</p><p>Tickets are free.</p>")
    edit(story, editor, headline="Ferry returns on Tuesday", body="<p>The ferry returns on Tuesday.</p><p>Tickets are free.</p>")

    page = editor_client.get(reverse("newsroom:diff", args=[story.pk]), {"a": 1, "b": 2}).content.decode()

    assert "The ferry returns on <del>Monday</del><ins>Tuesday</ins>." in page
    assert "Tickets are free." in page
    assert "<dt>Headline</dt>" in page and "<dt>Byline</dt>" not in page


def test_the_diff_escapes_what_editors_typed(editor_client, editor):
    story = write_story(editor, headline="Plain")
    edit(story, editor, headline="<script>alert(1)</script>")

    page = editor_client.get(reverse("newsroom:diff", args=[story.pk])).content.decode()

    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in page and "<script>alert" not in page


def test_the_diff_of_people_and_dates(editor_client, editor):
    story = write_story(editor)
    story = services.save(story, by=editor, people=[Person.named("Kari Nordmann")])

    page = editor_client.get(reverse("newsroom:diff", args=[story.pk]), {"a": 1, "b": 2}).content.decode()

    assert "<dt>People</dt><dd><ins>Kari Nordmann</ins></dd>" in page


def test_word_and_line_diffs():
    assert word_diff("a cat sat", "a dog sat") == "a <del>cat</del><ins>dog</ins> sat"
    assert text_diff("one\ntwo", "one\ntwo\nthree") == "one\ntwo\n<ins>three</ins>"
    assert text_diff("<b>x</b>", "") == "<del>&lt;b&gt;x&lt;/b&gt;</del>"


def test_restore_brings_back_old_text_as_a_new_revision(editor_client, editor):
    story = write_story(editor, headline="Original headline", body="<p>Original text.</p>")
    edit(story, editor, headline="Worse headline", body="<p>Worse text.</p>")

    response = editor_client.post(reverse("newsroom:restore", args=[story.pk, 1]), follow=True)

    story.refresh_from_db()
    assert (story.headline, story.body, story.revision) == ("Original headline", "<p>Original text.</p>", 3)
    assert list(story.revisions.values_list("number", flat=True)) == [3, 2, 1]
    assert "Restored revision 1: it is now revision 3." in response.content.decode()
    assert Revision.objects.get(story=story, number=3).data["headline"] == "Original headline"


def test_restore_takes_only_post(editor_client, editor):
    story = write_story(editor)

    assert editor_client.get(reverse("newsroom:restore", args=[story.pk, 1])).status_code == 405


def test_a_reporter_may_see_and_restore_only_their_own_unpublished_stories(reporter_client, reporter, editor):
    own = write_story(reporter)
    live = write_story(reporter, headline="Out already")
    services.publish(live, by=editor)
    theirs = write_story(make_member("other", "Reporter"))

    assert reporter_client.get(reverse("newsroom:revisions", args=[own.pk])).status_code == 200
    for story in (live, theirs):
        assert reporter_client.get(reverse("newsroom:revisions", args=[story.pk])).status_code == 403
        assert reporter_client.get(reverse("newsroom:diff", args=[story.pk])).status_code == 403
        assert reporter_client.post(reverse("newsroom:restore", args=[story.pk, 1])).status_code == 403
    assert Story.objects.get(pk=live.pk).revision == 2


def test_an_unknown_revision_is_not_found(editor_client, editor):
    story = write_story(editor)

    assert editor_client.get(reverse("newsroom:diff", args=[story.pk]), {"a": 7}).status_code == 404
    assert editor_client.post(reverse("newsroom:restore", args=[story.pk, 7])).status_code == 404


def test_the_body_diff_keeps_paragraphs_headings_lists_and_quotes(editor_client, editor):
    story = write_story(editor, body="<p>The ferry returns on Monday.</p><h2>Timetable</h2>"
                                     "<ul><li><p>Every hour</p></li></ul><p>Tickets are free.</p>")
    edit(story, editor, body="<p>The ferry returns on Tuesday.</p><h2>Timetable</h2>"
                             "<ul><li><p>Every hour</p></li><li><p>Sundays too</p></li></ul>"
                             '<blockquote class="pull-quote"><p>Back soon.</p></blockquote>')

    page = editor_client.get(reverse("newsroom:diff", args=[story.pk]), {"a": 1, "b": 2}).content.decode()

    assert "<p>The ferry returns on <del>Monday</del><ins>Tuesday</ins>.</p><h2>Timetable</h2>" in page
    assert ('<ul><li>Every hour</li></ul><p class="diff-removed"><del>Tickets are free.</del></p>'
            '<ul><li class="diff-added"><ins>Sundays too</ins></li></ul>') in page
    assert '<blockquote class="pull-quote diff-added"><p><ins>Back soon.</ins></p></blockquote>' in page


def test_the_diff_shows_a_new_lead_picture_and_a_picture_placed_in_the_body(editor_client, editor, settings, tmp_path):
    from newsdesk.pictures.tests.conftest import store

    settings.MEDIA_ROOT, settings.ORIGINALS_ROOT = tmp_path / "media", tmp_path / "originals"
    first = store(alt="The old quay", credit="Ann Lee")
    second = store(alt="The new quay")
    story = write_story(editor, lead_picture=first)
    edit(story, editor, lead_picture=second, comments_mode=Story.Comments.CLOSED,
         body=story.body + f'<figure data-picture="{first.pk}"><img src="{first.src(640)}" alt="The old quay">'
                           "<figcaption>Boats.<small>Ann Lee</small></figcaption></figure>")

    page = editor_client.get(reverse("newsroom:diff", args=[story.pk]), {"a": 1, "b": 2}).content.decode()

    assert "<dt>Lead picture</dt><dd>The <del>old</del><ins>new</ins> quay<del> (Ann Lee)</del></dd>" in page
    assert '<p class="diff-figure diff-added"><ins>Picture: The old quay — Boats. · Ann Lee</ins></p>' in page
    assert "<dt>Comments</dt><dd><ins>Closed</ins></dd>" in page
