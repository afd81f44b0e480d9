"""The rules of comments: who may post what, what waits for a moderator, and moderation."""

import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from newsdesk import ratelimit
from newsdesk.live import events
from newsdesk.readers.services import display_name, is_verified
from newsdesk.stories.models import Story

from . import text as comment_text
from .models import Ban, Comment, Like, LogEntry, Report, WordRule


class Refused(Exception):
    """A comment or action that is not allowed: the reason shown to the reader, and the HTTP status."""

    def __init__(self, reason, status=400, retry_after=None):
        super().__init__(reason)
        self.reason, self.status = reason, status
        self.retry_after = retry_after  # seconds, for a 429


def policy(story):
    """open, premoderated or closed; a story readers cannot see takes no comments."""
    return story.comment_policy if story.is_live else Story.Comments.CLOSED


def active_ban(*, user=None, email="", ip=None):
    bans = Ban.objects.active()
    if user is not None and user.is_authenticated:
        if bans.filter(kind=Ban.Kind.USER, value=str(user.pk)).exists():
            return True
        email = email or user.email
    if email and bans.filter(kind=Ban.Kind.EMAIL, value__iexact=email.strip()).exists():
        return True
    if ip:
        return any(ban.covers_ip(ip) for ban in bans.filter(kind=Ban.Kind.IP))
    return False


def _word_rules(text):
    """(refused words, suspect words) found in `text`, matched as whole words."""
    low, refused, suspect = text.lower(), [], []
    for rule in WordRule.objects.all():
        if re.search(rf"(?<!\w){re.escape(rule.word.lower())}(?!\w)", low):
            (refused if rule.action == WordRule.Action.REFUSE else suspect).append(rule.word)
    return refused, suspect


def check_text(text):
    """(clean text, suspect words in it), or Refused: empty, too long, too many links, banned words."""
    text = comment_text.clean_text(text)
    if not text:
        raise Refused("Your comment is empty.")
    if "\ufffd" in text:
        # What arrives as U+FFFD was not valid UTF-8: a broken client, not a reader's words.
        raise Refused("Part of your comment could not be read (it was not valid UTF-8 text). Please type it again.")
    if len(text) > settings.COMMENTS_MAX_LENGTH:
        raise Refused(f"Your comment is {len(text):,} characters long; the limit is {settings.COMMENTS_MAX_LENGTH:,}.")
    links = len(comment_text.links_in(text))
    if links > settings.COMMENTS_MAX_LINKS:
        raise Refused(f"Your comment has {links} links; at most {settings.COMMENTS_MAX_LINKS} are allowed.")
    refused, suspect = _word_rules(text)
    if refused:
        raise Refused("Your comment uses words this site does not publish: " + ", ".join(refused) + ".")
    return text, suspect


def _hold_reason(story, text, user, suspect):
    """Why a new comment should wait for a moderator, or "" to publish it at once."""
    if policy(story) == Story.Comments.PREMODERATED:
        return "this story's comments are pre-moderated"
    if user is None:
        return "comments from guests are checked before they appear"
    if not is_verified(user):
        return "the email address is not verified yet"
    if suspect:
        return "suspect words: " + ", ".join(suspect)
    new_account = user.date_joined > timezone.now() - timedelta(hours=settings.COMMENTS_NEW_ACCOUNT_HOURS)
    if new_account and comment_text.links_in(text):
        return "links from a new account"
    return ""


def _limit(scope, ident, rate):
    count, seconds = rate
    if not ratelimit.allow(scope, ident, count, seconds):
        raise Refused(f"You are commenting too fast: at most {count} comments in {seconds} seconds. "
                      "Please wait a little and send it again.", status=429, retry_after=seconds)


def _sent_before(story, form_key, digest, same_author):
    """The comment this form already stored with this text, if any (a retry of a post whose answer was lost)."""
    if not form_key:
        return None
    comment = Comment.objects.filter(story=story, form_key=form_key, digest=digest, **same_author).exclude(
        status=Comment.Status.DELETED).first()
    if comment is not None:
        comment.replayed = True
    return comment


def post(story, *, text, user=None, name="", email="", parent=None, ip=None, form_key=""):
    """Store a reader's comment: approved at once, or waiting for a moderator. Refused if not allowed.

    The same form sent again with the same text (`form_key`) is answered with the comment it
    stored the first time (marked `replayed`), not stored twice nor refused as a duplicate."""
    user = user if user is not None and user.is_authenticated else None
    same_author = {"author": user} if user else {"guest_email__iexact": email, "author__isnull": True}
    mode = policy(story)
    if mode == Story.Comments.CLOSED:
        raise Refused("Comments are closed on this story.", status=403)
    if parent is not None and (parent.story_id != story.pk or parent.status != Comment.Status.APPROVED):
        raise Refused("The comment you are replying to is no longer there.")
    if active_ban(user=user, email=email, ip=ip):
        raise Refused("You cannot comment on this site at the moment.", status=403)
    text, suspect = check_text(text)
    digest = Comment.digest_of(text)
    if (again := _sent_before(story, form_key, digest, same_author)) is not None:
        return again  # before the rate limits: a retry is not another comment
    if ip:
        _limit("comment-ip", ip, settings.COMMENTS_RATE_IP)
    if user is not None:
        _limit("comment-user", user.pk, settings.COMMENTS_RATE_ACCOUNT)

    held = _hold_reason(story, text, user, suspect)
    with transaction.atomic():
        # One post to a story at a time: two copies of a comment sent at once (a double
        # click, a retry) must not both pass the duplicate check.
        list(Story.objects.select_for_update().filter(pk=story.pk).values_list("pk", flat=True))
        if (again := _sent_before(story, form_key, digest, same_author)) is not None:
            return again
        recent = timezone.now() - timedelta(hours=24)
        if Comment.objects.filter(story=story, digest=digest, created_at__gte=recent, **same_author).exclude(
            status=Comment.Status.DELETED
        ).exists():
            raise Refused("You have already posted this comment here.")
        comment = Comment.objects.create(
            story=story,
            parent=parent,
            thread=(parent.thread or parent) if parent else None,
            author=user,
            author_name=display_name(user) if user else name,
            guest_email="" if user else email,
            text=text,
            html=comment_text.render(text),
            status=Comment.Status.PENDING if held else Comment.Status.APPROVED,
            held_because=held,
            ip=ip,
            digest=digest,
            form_key=form_key,
        )
        if not held:
            _count(story, +1)
            _announce(comment)
    return comment


def _announce(comment):
    """The story's page changed: purge it, and show the change on open pages."""
    events.record("comment", story_id=comment.story_id, comment_id=comment.pk,
                  keys={events.story_key(comment.story_id)})


def _count(story, delta):
    Story.objects.filter(pk=story.pk).update(comment_count=F("comment_count") + delta)


def edit(comment, user, text):
    if not comment.can_edit(user):
        raise Refused(f"A comment can be edited for {settings.COMMENTS_EDIT_MINUTES} minutes after posting.", status=403)
    text, suspect = check_text(text)
    comment.text, comment.html, comment.edited_at = text, comment_text.render(text), timezone.now()
    comment.digest = Comment.digest_of(text)
    fields = ["text", "html", "edited_at", "digest"]
    held = _hold_reason(comment.story, text, comment.author, suspect)
    if held and comment.status == Comment.Status.APPROVED:
        # An edit that would have been held goes back to the moderators.
        comment.status, comment.held_because = Comment.Status.PENDING, held
        fields += ["status", "held_because"]
        _count(comment.story, -1)
    with transaction.atomic():
        comment.save(update_fields=fields)
        if comment.status == Comment.Status.APPROVED or "status" in fields:
            _announce(comment)
    return comment


def delete(comment, user):
    if not comment.can_delete(user):
        raise Refused("Only its author can delete a comment.", status=403)
    _set_status(comment, Comment.Status.DELETED)


@transaction.atomic
def _set_status(comment, status, *, expect=None, **fields):
    """Set a comment's status (and `fields`), counting it on its story; `comment.before` keeps
    what they were. With `expect`, Refused unless the comment still has that status."""
    # Lock the row: two moderators acting at once must not count a comment twice.
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if expect is not None and comment.status != expect:
        raise Refused(f"the comment has changed since: it is now “{comment.get_status_display().lower()}”.", status=409)
    comment.before = {"status": comment.status, **{name: getattr(comment, name) for name in fields}}
    was_visible = comment.status == Comment.Status.APPROVED
    comment.status = status
    for name, value in fields.items():
        setattr(comment, name, value)
    comment.save(update_fields=["status", *fields])
    now_visible = status == Comment.Status.APPROVED
    if was_visible != now_visible:
        _count(comment.story, +1 if now_visible else -1)
    if was_visible or now_visible:
        _announce(comment)
    return comment


def log(actor, action, comment=None, note="", before=None):
    return LogEntry.objects.create(actor=actor, action=action, comment=comment, note=note[:300], before=before)


@transaction.atomic
def approve(comment, *, by):
    comment = _set_status(comment, Comment.Status.APPROVED, held_because="", reject_reason="", report_count=0)
    log(by, "approve", comment, before=comment.before)
    return comment


@transaction.atomic
def reject(comment, *, by, reason=""):
    comment = _set_status(comment, Comment.Status.REJECTED, reject_reason=reason.strip()[:300])
    log(by, "reject", comment, reason, before=comment.before)
    return comment


@transaction.atomic
def mark_spam(comment, *, by):
    comment = _set_status(comment, Comment.Status.SPAM)
    log(by, "spam", comment, before=comment.before)
    return comment


# The moderators' actions that undo reverses, and the status each leaves a comment in.
UNDOABLE = {
    "approve": Comment.Status.APPROVED, "reject": Comment.Status.REJECTED, "spam": Comment.Status.SPAM,
    **{f"ban-{kind}": None for kind in Ban.Kind.values},
}


def last_action(user):
    """The user's last action on the queue, if it can still be undone, else None."""
    entry = LogEntry.objects.filter(actor=user, action__in=UNDOABLE).select_related("comment").first()
    if entry is None or entry.before is None or entry.undone_at is not None:
        return None
    return entry


@transaction.atomic
def undo(entry, *, by):
    """Reverse `entry`, the user's last action: the comment back as it was before (counted on its
    story as such), or the ban it made lifted; logged as undo-<action>. Only the last action can
    be undone, once, and only while the comment is as that action left it."""
    last = last_action(by)
    if last is None or last.pk != entry.pk:
        raise Refused("only your last action in the queue can be undone, once.", status=409)
    # A conditional UPDATE: two presses of Undo at once reverse it once.
    if not LogEntry.objects.filter(pk=entry.pk, undone_at__isnull=True).update(undone_at=timezone.now()):
        raise Refused("it was undone already.", status=409)
    before = entry.before
    if entry.action.startswith("ban-"):
        ban = Ban.objects.filter(pk=before.get("ban")).first()
        if ban is None or not Ban.objects.active().filter(pk=ban.pk).update(until=timezone.now()):
            raise Refused("the ban had ended already.", status=409)
        log(by, f"undo-{entry.action}", entry.comment, f"{ban.value} lifted")
        return ban
    if entry.comment is None:
        raise Refused("the comment is no longer there.", status=409)
    fields = {name: value for name, value in before.items() if name != "status"}
    comment = _set_status(entry.comment, before["status"], expect=UNDOABLE[entry.action], **fields)
    log(by, f"undo-{entry.action}", comment, f"back to {comment.get_status_display().lower()}")
    return comment


def ban(kind, value, *, by, days=None, reason="", comment=None):
    """Ban an account, an email or an IP range, for `days` or for good."""
    value = str(value).strip()
    if kind == Ban.Kind.IP:
        import ipaddress

        try:
            value = str(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise Refused(f"{value!r} is not an IP address or range (e.g. 203.0.113.7 or 203.0.113.0/24).") from None
    if not value:
        raise Refused("Say what to ban.")
    until = timezone.now() + timedelta(days=days) if days else None
    entry = Ban.objects.create(kind=kind, value=value, until=until, reason=reason[:300], created_by=by)
    log(by, f"ban-{kind}", comment, f"{value} {'for %s days' % days if days else 'for good'}: {reason}",
        before={"ban": entry.pk})
    return entry


def report(comment, *, reason, user=None, ip=None):
    """A reader's report; enough of them send an approved comment back to review."""
    user = user if user is not None and user.is_authenticated else None
    if reason not in Report.Reason.values:
        raise Refused("Choose a reason for the report.")
    if comment.status != Comment.Status.APPROVED:
        raise Refused("That comment is not shown any more.")
    if user is None and ip and Report.objects.filter(comment=comment, reporter=None, ip=ip).exists():
        return False
    try:
        with transaction.atomic():
            Report.objects.create(comment=comment, reporter=user, ip=ip, reason=reason)
    except IntegrityError:
        return False  # this reader reported it already
    Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    comment.refresh_from_db(fields=["report_count"])
    if comment.report_count >= settings.COMMENTS_REPORTS_TO_REVIEW:
        _set_status(comment, Comment.Status.PENDING, held_because=f"reported by {comment.report_count} readers")
        log(None, "back-to-review", comment, f"{comment.report_count} reports")
    return True


def like(comment, user):
    """Like, or unlike when liked already. Returns whether the reader now likes it."""
    if not user.is_authenticated:
        raise Refused("Sign in to like comments.", status=403)
    if comment.status != Comment.Status.APPROVED:
        raise Refused("That comment is not shown any more.")
    deleted, _ = Like.objects.filter(comment=comment, user=user).delete()
    if deleted:
        with transaction.atomic():
            Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") - 1)
            _announce(comment)
        return False
    try:
        with transaction.atomic():
            Like.objects.create(comment=comment, user=user)
            Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") + 1)
            _announce(comment)
    except IntegrityError:
        return True
    return True


def lift_ban(ban, *, by):
    """End a ban now; it stays on the list, as expired. False if it had ended already."""
    # A conditional UPDATE: two moderators lifting at once log it once.
    lifted = Ban.objects.active().filter(pk=ban.pk).update(until=timezone.now())
    if lifted:
        log(by, f"lift-{ban.kind}", note=f"{ban.value} (banned for: {ban.reason or 'no reason given'})")
    return bool(lifted)


@transaction.atomic
def add_word(word, action, *, by):
    rule = WordRule.objects.create(word=word.strip(), action=action)
    log(by, "word-add", note=f"{rule.get_action_display()}: {rule.word}")
    return rule


@transaction.atomic
def remove_word(rule, *, by):
    rule.delete()
    log(by, "word-remove", note=f"{rule.get_action_display()}: {rule.word}")
