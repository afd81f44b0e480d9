"""The story editor's forms: the story itself, and the small forms of the workflow buttons."""

from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from newsdesk.people.models import Person, Topic
from newsdesk.stories import body, services
from newsdesk.stories.models import Note, Story


class LocalDateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker; values are in the site's TIME_ZONE."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def split_names(value):
    """Comma-separated names, tidied, each once (case-insensitively), in the order given."""
    names, seen = [], set()
    for name in (value or "").split(","):
        name = " ".join(name.split())
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


class StoryForm(forms.ModelForm):
    """The editor: a story's fields, its people and topics by name, and the revision it started from."""

    people = forms.CharField(
        required=False, help_text="Names, separated by commas. A new name becomes a new person (editors only)."
    )
    topics = forms.CharField(
        required=False, help_text="Names, separated by commas. A new name becomes a new topic (editors only)."
    )
    base_revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    # The tag model behind each names field, and the permission that may add to it.
    TAGS = {"people": (Person, "people.add_person", "person"), "topics": (Topic, "people.add_topic", "topic")}

    field_order = ["kind", "headline", "standfirst", "body", "byline", "source", "section", "people", "topics",
                   "language", "embargo_until", "comments_mode"]

    class Meta:
        model = Story
        fields = ["kind", "headline", "standfirst", "body", "lead_picture", "byline", "source", "section",
                  "language", "embargo_until", "comments_mode"]
        widgets = {
            "standfirst": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 20}),
            "embargo_until": LocalDateTimeInput,
        }
        help_texts = {
            # Help texts are shown as HTML: the tag names are escaped.
            "body": escape("HTML: <p>, <h2>, <h3>, <blockquote>, <ul>/<ol> with <li>, <a href>, <em>, <strong>. "
                           "Anything else is removed on saving."),
            "embargo_until": "Not published before this time (site time zone); publishing waits for it.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["headline"].widget.attrs["autofocus"] = True
        if self.instance.pk:
            # Without it a save could overwrite someone else's unseen edit.
            self.fields["base_revision"].required = True
            self.initial.setdefault("base_revision", self.instance.revision)
            for name in self.TAGS:
                self.initial.setdefault(name, ", ".join(t.name for t in getattr(self.instance, name).all()))

    def _clean_names(self, name):
        model, perm, label = self.TAGS[name]
        names = split_names(self.cleaned_data[name])
        if names and not self.user.has_perm(perm):
            unknown = [n for n in names if not model.objects.filter(name__iexact=n).exists()]
            if unknown:
                raise forms.ValidationError(
                    f"No {label} named {', '.join(unknown)} yet: ask an editor to add it, or leave it out."
                )
        return names

    def clean_people(self):
        return self._clean_names("people")

    def clean_topics(self):
        return self._clean_names("topics")

    def save_story(self, *, action="save"):
        """Save through the stories service (revision, audit log, edit-conflict check).

        Raises services.EditConflict with nothing written, new people and topics included.
        """
        with transaction.atomic():
            tags = {name: [self.TAGS[name][0].named(n) for n in self.cleaned_data[name]] for name in self.TAGS}
            return services.save(self.instance, by=self.user, base_revision=self.cleaned_data["base_revision"],
                                 action=action, **tags)

    def preview_story(self):
        """The edited story as readers would see it, saved nowhere.

        Only for a story that exists: its people and topics are put in the prefetch
        cache, so the reader templates show the form's tags, not the saved ones.
        """
        story = self.instance
        story.body = body.clean_html(story.body)
        cache = {}
        for name, (model, _, fallback) in self.TAGS.items():
            tags = []
            for tag_name in self.cleaned_data[name]:
                found = model.objects.filter(name__iexact=tag_name).first()
                tags.append(found or model(name=tag_name, slug=slugify(tag_name) or fallback))
            queryset = model.objects.none()
            queryset._result_cache = tags  # what `story.people.all` will give the template
            cache[name] = queryset
        story._prefetched_objects_cache = {**getattr(story, "_prefetched_objects_cache", {}), **cache}
        return story


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(label="Publish at", widget=LocalDateTimeInput,
                             help_text="Date and time in the site's time zone.")

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at <= timezone.now():
            raise forms.ValidationError("Pick a time in the future; to publish at once, use Publish now.")
        return at


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Reason for withdrawing", max_length=300, help_text="Readers see it where the story was.")


class NoteForm(forms.Form):
    kind = forms.ChoiceField(choices=Note.Kind.choices, initial=Note.Kind.UPDATE, widget=forms.RadioSelect)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class StoryFilterForm(forms.Form):
    """The story list's filters; every field may be left empty."""

    STATUSES = [("", "All"), *Story.Status.choices]

    q = forms.CharField(label="Search", required=False)
    status = forms.ChoiceField(choices=STATUSES, required=False)
    kind = forms.ChoiceField(choices=[("", "All"), *Story.Kind.choices], required=False)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["q"]:
            queryset = queryset.filter(Q(headline__icontains=data["q"]) | Q(body__icontains=data["q"]))
        return queryset
