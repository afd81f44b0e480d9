import re
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing

from newsdesk.readers.services import clean_display_name

from .models import Report

_SALT = "newsdesk.comments.form-started"


def started_token():
    """When the form was shown, signed so that a bot cannot fake having read the page."""
    return signing.dumps(int(time.time()), salt=_SALT)


def form_key():
    """A new form's own key: the same form sent twice (a retry after a lost answer) is one comment."""
    return secrets.token_urlsafe(16)


FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,32}")


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 0}),
        # The length rule and its message live in services.check_text; this only stops
        # a body far too large to be a comment before any work is done on it.
        max_length=None,
        strip=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="Your name", max_length=200, required=False,
                           help_text="Shown with your comment.")
    email = forms.EmailField(label="Your email", required=False,
                             help_text="Never shown; we write only about your comment.")
    # A field people never see: bots fill in every field they find.
    website = forms.CharField(label="Leave this field empty", required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["text"].widget.attrs["maxlength"] = settings.COMMENTS_MAX_LENGTH
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")
        if user is not None and user.is_authenticated:
            del self.fields["name"], self.fields["email"]
        else:
            self.fields["name"].required = self.fields["email"].required = True
            self.fields["name"].widget.attrs["autocomplete"] = "name"
            self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.initial.setdefault("started", started_token())
        self.initial.setdefault("key", form_key())

    def clean_key(self):
        # A key not of our making (an old page, a hand-made post) is no key: the post is taken as new.
        key = self.cleaned_data["key"].strip()
        return key if FORM_KEY.fullmatch(key) else ""

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text) > settings.COMMENTS_MAX_LENGTH * 4:
            raise forms.ValidationError(f"That is far too long for a comment (the limit is {settings.COMMENTS_MAX_LENGTH:,} characters).")
        return text

    def clean_name(self):
        return clean_display_name(self.cleaned_data["name"])

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError("Your comment looks automated and was not sent.", code="bot")
        try:
            started = signing.loads(data.get("started") or "", salt=_SALT, max_age=86400)
        except signing.BadSignature:
            started = None
        if started is None or time.time() - started < settings.COMMENTS_MIN_SECONDS:
            # A fresh token: a person who was just quick can send it again at once.
            self.data = self.data.copy()
            self.data["started"] = started_token()
            raise forms.ValidationError(
                "That was sent very quickly, or from a page open for more than a day. "
                "Please check your comment and send it again.", code="too-fast")
        return data


class EditForm(forms.Form):
    text = forms.CharField(label="Your comment", widget=forms.Textarea(attrs={"rows": 6}), strip=False)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label="Why should a moderator look at this comment?", choices=Report.Reason.choices,
                               widget=forms.RadioSelect)
