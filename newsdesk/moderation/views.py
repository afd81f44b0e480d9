"""The moderators' screens: the queue of comments, bans, word lists and the log."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from newsdesk.comments import services
from newsdesk.comments.services import add_word, lift_ban, remove_word
from newsdesk.comments.models import Ban, Comment, LogEntry, WordRule

from . import queue
from .forms import BanForm, CommentBanForm, QueueFilter, RejectForm, WordForm

PER_PAGE = 25


def moderators_only(view):
    """Anonymous readers are sent to log in; a reader without the permission gets 403."""
    return login_required(permission_required("comments.moderate_comment", raise_exception=True)(view))


@moderators_only
def queue_view(request):
    form = QueueFilter(request.GET)
    filters = form.filters()
    page = Paginator(queue.comments(**filters), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("focus", None)  # where the moderator is now, not a filter to keep
    focus = request.GET.get("focus", "")
    last = services.last_action(request.user)
    return render(request, "moderation/queue.html", {
        "form": form, "filters": filters, "page_obj": page, "shows": queue.SHOWS,
        "query": query.urlencode(), "focus": int(focus) if focus.isdigit() else None,
        "last_action": last, "last_action_said": _said(last) if last else "",
    })


def _back_to_queue(request, comment, *, acted=True):
    """The queue as the moderator left it (same filters), on the comment to deal with next:
    the one after `comment` once it was acted on, else `comment` itself (on its page, when the
    filters list it). That comment is marked (`focus`) and anchored, so that the page opens on
    it, with or without the queue's script."""
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    filters = QueueFilter(query).filters()
    if comment is None:
        following, page = None, None
    elif acted:
        following, page = queue.where_next(comment, per_page=PER_PAGE, **filters)
    else:
        following, page = comment, queue.page_of(comment, per_page=PER_PAGE, **filters)
    query.pop("focus", None)
    if page is not None:
        query.pop("page", None)
        if page > 1:
            query["page"] = str(page)
    if following is not None:
        query["focus"] = str(following.pk)
    anchor = f"#comment-{following.pk}" if following is not None else ""
    return redirect(reverse("moderation:queue") + (f"?{query.urlencode()}" if query else "") + anchor)


@moderators_only
@require_POST
def approve(request, pk):
    comment = services.approve(get_object_or_404(Comment, pk=pk), by=request.user)
    messages.success(request, f"Approved comment by {comment.author_name}.")
    return _back_to_queue(request, comment)


@moderators_only
@require_POST
def reject(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not rejected: {form.errors['reason'][0]}")
        return _back_to_queue(request, comment, acted=False)
    comment = services.reject(comment, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, f"Rejected comment by {comment.author_name}.")
    return _back_to_queue(request, comment)


@moderators_only
@require_POST
def spam(request, pk):
    comment = services.mark_spam(get_object_or_404(Comment, pk=pk), by=request.user)
    messages.success(request, f"Marked comment by {comment.author_name} as spam.")
    return _back_to_queue(request, comment)


# What the queue says of a moderator's last action, and of undoing it.
_DONE = {"approve": "approved", "reject": "rejected", "spam": "marked as spam"}
_UNDONE = {"approve": "approval", "reject": "rejection", "spam": "marking as spam"}


def _said(entry):
    """'approved the comment by Ada', 'banned 203.0.113.0/24 (IP address or range)'."""
    if entry.action in _DONE:
        return f"{_DONE[entry.action]} the comment by {entry.comment.author_name if entry.comment else 'a reader'}"
    ban = Ban.objects.filter(pk=entry.before.get("ban")).first()
    return f"banned {ban.value} ({ban.get_kind_display().lower()})" if ban else "a ban"


@moderators_only
@require_POST
def undo(request):
    """Undo the moderator's last action: the comment back as it was, the queue open on it."""
    pk = request.POST.get("entry", "")
    entry = LogEntry.objects.filter(pk=int(pk), actor=request.user).select_related("comment").first() if pk.isdigit() else None
    if entry is None:
        messages.error(request, "Not undone: there is no such action of yours.")
        return _back_to_queue(request, None, acted=False)
    try:
        undone = services.undo(entry, by=request.user)
    except services.Refused as err:
        messages.error(request, f"Not undone: {err.reason}")
        return _back_to_queue(request, entry.comment, acted=False)
    if isinstance(undone, Ban):
        messages.success(request, f"Undone: the ban on {undone.value} is lifted.")
    else:
        messages.success(request, f"Undone: the {_UNDONE[entry.action]} of the comment by {undone.author_name}; "
                                  f"it is “{undone.get_status_display().lower()}” again.")
    return _back_to_queue(request, entry.comment, acted=False)


def _for_how_long(days):
    return f"for {days} day{'s' if days != 1 else ''}" if days else "for good"


@moderators_only
@require_POST
def ban_from_comment(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    form = CommentBanForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not banned: " + "; ".join(e for errors in form.errors.values() for e in errors))
        return _back_to_queue(request, comment, acted=False)
    data = form.cleaned_data
    if data["what"] == "ip":
        kind, value = Ban.Kind.IP, data["ip"] or comment.ip or ""
    elif comment.author_id:
        kind, value = Ban.Kind.USER, comment.author_id
    elif comment.guest_email:
        kind, value = Ban.Kind.EMAIL, comment.guest_email
    else:
        messages.error(request, f"{comment.author_name} left no email: ban the IP address instead.")
        return _back_to_queue(request, comment, acted=False)
    try:
        ban = services.ban(kind, value, by=request.user, days=data["days"], reason=data["reason"], comment=comment)
    except services.Refused as err:
        messages.error(request, f"Not banned: {err.reason}")
        return _back_to_queue(request, comment, acted=False)
    whom = {
        Ban.Kind.IP: f"IP {ban.value}",
        Ban.Kind.USER: f"{comment.author_name}’s account",
        Ban.Kind.EMAIL: f"{comment.author_name}’s email {ban.value}",
    }[kind]
    messages.success(request, f"Banned {whom} {_for_how_long(data['days'])}.")
    return _back_to_queue(request, comment, acted=False)


def _ban_labels(bans):
    """Each ban with a `label` for its value: an account's username rather than its number."""
    ids = [int(ban.value) for ban in bans if ban.kind == Ban.Kind.USER and ban.value.isdigit()]
    users = get_user_model().objects.in_bulk(ids)
    for ban in bans:
        user = users.get(int(ban.value)) if ban.kind == Ban.Kind.USER and ban.value.isdigit() else None
        ban.label = f"{user.get_username()} (#{user.pk})" if user else ban.value
    return bans


@moderators_only
def bans(request):
    form = BanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ban = services.ban(data["kind"], data["value"], by=request.user, days=data["days"], reason=data["reason"])
        except services.Refused as err:
            form.add_error("value", err.reason)
        else:
            messages.success(request, f"Banned {ban.get_kind_display().lower()} {ban.value} {_for_how_long(data['days'])}.")
            return redirect("moderation:bans")
    everyone = Ban.objects.select_related("created_by").order_by("-created_at", "-pk")
    active = _ban_labels(list(everyone.active()))
    ended = Paginator(everyone.exclude(pk__in=[ban.pk for ban in active]), PER_PAGE).get_page(request.GET.get("page"))
    _ban_labels(ended.object_list)
    return render(request, "moderation/bans.html", {"form": form, "active": active, "page_obj": ended},
                  status=400 if form.errors else 200)


@moderators_only
@require_POST
def lift(request, pk):
    ban = get_object_or_404(Ban, pk=pk)
    if lift_ban(ban, by=request.user):
        messages.success(request, f"Lifted the ban on {ban.get_kind_display().lower()} {ban.value}.")
    else:
        messages.info(request, f"The ban on {ban.get_kind_display().lower()} {ban.value} had ended already.")
    return redirect("moderation:bans")


@moderators_only
def words(request):
    form = WordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rule = add_word(form.cleaned_data["word"], form.cleaned_data["action"], by=request.user)
        messages.success(request, f"Added “{rule.word}” to the {'banned' if rule.action == WordRule.Action.REFUSE else 'suspect'} words.")
        return redirect("moderation:words")
    rules = list(WordRule.objects.all())
    return render(request, "moderation/words.html", {
        "form": form,
        "banned": [rule for rule in rules if rule.action == WordRule.Action.REFUSE],
        "suspect": [rule for rule in rules if rule.action == WordRule.Action.HOLD],
    }, status=400 if form.errors else 200)


@moderators_only
@require_POST
def remove_word_view(request, pk):
    rule = get_object_or_404(WordRule, pk=pk)
    remove_word(rule, by=request.user)
    messages.success(request, f"Removed “{rule.word}”.")
    return redirect("moderation:words")


@moderators_only
def log(request):
    actors = get_user_model().objects.filter(pk__in=LogEntry.objects.values("actor")).order_by("username")
    actor = request.GET.get("actor", "")
    entries = LogEntry.objects.select_related("actor", "comment__story")
    if actor:
        entries = entries.filter(actor__username=actor)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "moderation/log.html", {"page_obj": page, "actors": actors, "actor": actor})
