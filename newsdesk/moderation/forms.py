from django import forms
from django.contrib.auth import get_user_model

from newsdesk.comments.models import Ban, WordRule

from . import queue


class QueueFilter(forms.Form):
    show = forms.ChoiceField(choices=queue.SHOWS, required=False)
    story = forms.CharField(required=False, max_length=200, label="Story",
                            help_text="Its number, or words from its headline.",
                            widget=forms.TextInput(attrs={"type": "search", "aria-describedby": "story-help"}))
    user = forms.CharField(required=False, max_length=254, label="Author",
                           help_text="A username, or an account's or guest's email.",
                           widget=forms.TextInput(attrs={"type": "search", "aria-describedby": "user-help"}))
    order = forms.ChoiceField(choices=queue.ORDERS, required=False, label="Order")

    def filters(self):
        """The filters to apply: the valid ones, defaults for the rest."""
        self.is_valid()  # cleaned_data keeps the fields that are valid
        data = self.cleaned_data
        return {
            "show": data.get("show") or queue.SHOWS[0][0],
            "story": (data.get("story") or "").strip(),
            "user": (data.get("user") or "").strip(),
            "order": data.get("order") or queue.ORDERS[0][0],
        }


class RejectForm(forms.Form):
    reason = forms.CharField(required=False, max_length=300)


class Days(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=1, max_value=36500, label="Days",
                         help_text="Empty: for good.", **kwargs)


class CommentBanForm(forms.Form):
    """Ban the author of a comment, or the IP address (or a range around it) it came from."""

    what = forms.ChoiceField(choices=[("author", "Author"), ("ip", "IP")])
    ip = forms.CharField(required=False, max_length=50)
    days = Days()
    reason = forms.CharField(required=False, max_length=300)


class BanForm(forms.Form):
    kind = forms.ChoiceField(choices=Ban.Kind.choices, label="Ban")
    value = forms.CharField(max_length=254, label="Who",
                            help_text="A username, an email, or an IP address or range like 203.0.113.0/24.")
    days = Days()
    reason = forms.CharField(required=False, max_length=300, label="Reason")

    def clean(self):
        data = super().clean()
        if data.get("kind") == Ban.Kind.USER and data.get("value"):
            users = get_user_model().objects
            value = data["value"].strip()
            user = users.filter(username__iexact=value).first() or (
                users.filter(pk=int(value)).first() if value.isdigit() else None
            )
            if user is None:
                self.add_error("value", f"No account is called {value!r}.")
            else:
                data["value"] = str(user.pk)
        return data


class WordForm(forms.ModelForm):
    class Meta:
        model = WordRule
        fields = ["word", "action"]
        widgets = {"action": forms.RadioSelect}

    def clean_word(self):
        return self.cleaned_data["word"].strip()
