from django import forms
from django.db.models import Q

from .models import Channel, WireItem


class QueueFilter(forms.Form):
    """The desk's filters: every one optional, all of them applied together."""

    q = forms.CharField(label="Text", required=False, max_length=200)
    channel = forms.ModelChoiceField(Channel.objects.only("pk", "name"), required=False, empty_label="Any channel")
    agency = forms.CharField(required=False, max_length=200)
    urgency = forms.TypedChoiceField(label="Urgency at most", required=False, coerce=int, empty_value=None,
                                     choices=[("", "Any")] + [(str(n), str(n)) for n in range(1, 10)])
    subject = forms.CharField(required=False, max_length=200)
    language = forms.CharField(required=False, max_length=35)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *WireItem.Status.choices])

    def filter(self, items):
        if not self.is_valid():
            return items.none()
        data = self.cleaned_data
        if data["q"]:
            words = data["q"].split()
            for word in words[:8]:
                items = items.filter(Q(headline__icontains=word) | Q(body_html__icontains=word)
                                     | Q(slugline__icontains=word))
        if data["channel"]:
            items = items.filter(channel=data["channel"])
        if data["agency"]:
            items = items.filter(agency__iexact=data["agency"].strip())
        if data["urgency"]:
            items = items.filter(urgency__lte=data["urgency"])
        if data["subject"]:
            items = items.filter(subject_text__contains=data["subject"].strip().lower())
        if data["language"]:
            items = items.filter(language__istartswith=data["language"].strip())
        if data["status"]:
            items = items.filter(status=data["status"])
        return items


class ChannelForm(forms.ModelForm):
    url = forms.URLField(label="URL", required=False, max_length=500, assume_scheme="https",
                         help_text="For a URL or feed channel.")

    class Meta:
        model = Channel
        fields = ["name", "kind", "path", "url", "interval", "timeout", "max_bytes", "credentials_env",
                  "time_zone", "lenient_agencies", "withdraw_on_cancel"]

    def clean_credentials_env(self):
        name = self.cleaned_data["credentials_env"].strip()
        if name and not name.replace("_", "").isalnum():
            raise forms.ValidationError("The name of an environment variable: letters, digits and _ only.")
        return name

    def clean_time_zone(self):
        import zoneinfo

        name = self.cleaned_data["time_zone"].strip()
        if name:
            try:
                zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise forms.ValidationError(f"{name!r} is not a known time zone (e.g. Europe/Moscow).") from None
        return name

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Channel.Kind.FOLDER and not data.get("path"):
            self.add_error("path", "A folder channel needs the folder the agency drops its files into.")
        if kind in (Channel.Kind.URL, Channel.Kind.FEED) and not data.get("url"):
            self.add_error("url", "A URL or feed channel needs the address to poll.")
        if data.get("interval") is not None and data["interval"] < 5:
            self.add_error("interval", "Poll every 5 seconds or more.")
        return data


class RuleForm(forms.ModelForm):
    """A routing rule: the conditions it needs (all of those given) and what it does."""

    class Meta:
        from .models import Rule

        model = Rule
        fields = ["name", "enabled", "channel", "agency", "urgency", "subject", "language", "words", "words_match",
                  "words_in", "section", "people", "topics", "priority", "publish", "stop"]
        widgets = {"people": forms.SelectMultiple(attrs={"size": 6}), "topics": forms.SelectMultiple(attrs={"size": 6})}

    def clean_urgency(self):
        urgency = self.cleaned_data["urgency"]
        if urgency is not None and not 1 <= urgency <= 9:
            raise forms.ValidationError("Urgency runs from 1 (flash) to 9.")
        return urgency

    def clean(self):
        data = super().clean()
        actions = [data.get("section"), data.get("people"), data.get("topics"), data.get("priority"),
                   data.get("publish"), data.get("stop")]
        if not any(a for a in actions if a is not None and (not hasattr(a, "exists") or a.exists())):
            raise forms.ValidationError("Give the rule something to do: a section, people, topics, priority, "
                                        "publishing or stop.")
        return data
