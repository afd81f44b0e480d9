from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.comments.models import Comment, Report
from newsdesk.conftest import make_article

from .conftest import make_comment

pytestmark = pytest.mark.django_db


def test_moderator_sees_pending_comments_with_why_they_wait_and_the_guests_email(mod_client, story):
    make_comment(story, "Ferries are *late*.", html="<p>Ferries are <em>late</em>.</p>",
                 guest_email="gus@example.org", ip="198.51.100.7",
                 held_because="comments from guests are checked before they appear")
    make_comment(story, "Already shown.", status=Comment.Status.APPROVED)

    page = mod_client.get("/moderation/").content.decode()

    assert "Held because comments from guests are checked before they appear" in page
    assert "gus@example.org" in page and "198.51.100.7" in page and "Gus Guest" in page
    assert "<p>Ferries are <em>late</em>.</p>" in page  # the sanitised html readers would see
    assert f'href="{story.get_absolute_url()}">Harbour ferry returns after winter repairs</a>' in page
    assert "Already shown." not in page
    assert "1 comment" in page


def test_reported_shows_comments_with_reports_and_their_reasons(mod_client, story, reader):
    reported = make_comment(story, "Buy cheap watches.", status=Comment.Status.APPROVED, report_count=2)
    Report.objects.create(comment=reported, reporter=reader, reason=Report.Reason.SPAM)
    Report.objects.create(comment=reported, ip="192.0.2.1", reason=Report.Reason.SPAM)
    make_comment(story, "Nobody minds this one.", status=Comment.Status.APPROVED)

    page = mod_client.get("/moderation/?show=reported").content.decode()

    assert "Buy cheap watches." in page and "Nobody minds this one." not in page
    assert "2 reports: Spam or advertising ×2" in page


def test_spam_rejected_and_all_show_what_they_say(mod_client, story):
    make_comment(story, "Spammy.", status=Comment.Status.SPAM)
    make_comment(story, "Rude.", status=Comment.Status.REJECTED, reject_reason="Be kind.")
    make_comment(story, "Waiting.")

    spam = mod_client.get("/moderation/?show=spam").content.decode()
    rejected = mod_client.get("/moderation/?show=rejected").content.decode()
    everything = mod_client.get("/moderation/?show=all").content.decode()

    assert "Spammy." in spam and "Rude." not in spam and "Waiting." not in spam
    assert "Rude." in rejected and "Rejected: Be kind." in rejected and "Spammy." not in rejected
    assert all(text in everything for text in ("Spammy.", "Rude.", "Waiting."))


def test_filter_by_story_number_or_headline(mod_client, story):
    other = make_article(headline="Council approves the budget")
    make_comment(story, "About the ferry.")
    make_comment(other, "About the budget.")

    by_number = mod_client.get(f"/moderation/?story={other.pk}").content.decode()
    by_words = mod_client.get("/moderation/?story=ferry").content.decode()

    assert "About the budget." in by_number and "About the ferry." not in by_number
    assert "About the ferry." in by_words and "About the budget." not in by_words


def test_filter_by_user_finds_accounts_and_guests(mod_client, story, reader):
    make_comment(story, "From Rita.", author=reader, author_name="Rita R")
    make_comment(story, "From a guest.", guest_email="gus@example.org")

    by_username = mod_client.get("/moderation/?user=rita").content.decode()
    by_email = mod_client.get("/moderation/?user=RITA@example.org").content.decode()
    by_guest = mod_client.get("/moderation/?user=gus@example.org").content.decode()

    assert "From Rita." in by_username and "From a guest." not in by_username
    assert "From Rita." in by_email and "From a guest." not in by_email
    assert "From a guest." in by_guest and "From Rita." not in by_guest


def test_newest_first_unless_asked_for_oldest_and_paginated(mod_client, story):
    now = timezone.now()
    for n in range(30):
        make_comment(story, f"Comment number {n:02}.", created_at=now - timedelta(minutes=30 - n))

    newest = mod_client.get("/moderation/").content.decode()
    oldest = mod_client.get("/moderation/?order=oldest").content.decode()
    second = mod_client.get("/moderation/?order=oldest&page=2").content.decode()

    assert newest.index("Comment number 29.") < newest.index("Comment number 28.")
    assert "Comment number 00." not in newest and "Page 1 of 2" in newest
    assert oldest.index("Comment number 00.") < oldest.index("Comment number 01.")
    assert "Comment number 29." in second and "Comment number 00." not in second
    assert 'href="?order=oldest&amp;page=1"' in second


def test_queue_queries_do_not_grow_with_its_rows(mod_client, story, reader):
    def queries_for_queue():
        with CaptureQueriesContext(connection) as queries:
            mod_client.get("/moderation/?show=all")
        return len(queries)

    make_comment(story, "First.", author=reader, report_count=1)
    queries_for_queue()  # what every page shares (the sections menu) is read once, then kept
    few = queries_for_queue()
    for n in range(10):
        comment = make_comment(make_article(headline=f"Story {n}"), f"Comment {n}.", author=reader, report_count=1)
        Report.objects.create(comment=comment, ip="192.0.2.1", reason=Report.Reason.ABUSE)

    # the comments with their stories and authors in one query, their reports in one more
    assert queries_for_queue() == few


def test_the_page_has_the_shortcut_legend_and_script(mod_client, story):
    make_comment(story)

    page = mod_client.get("/moderation/").content.decode()

    assert 'src="/static/moderation/queue.js" defer' in page
    assert 'id="shortcuts"' in page and "<kbd>a</kbd> approve" in page
    assert page.count("<h1") == 1


def test_a_bad_filter_value_falls_back_to_its_default_and_keeps_the_others(mod_client, story):
    make_comment(story, "Spammy.", status=Comment.Status.SPAM)

    page = mod_client.get("/moderation/?show=spam&order=sideways").content.decode()

    assert "Spammy." in page
