"""The story editor's forms: the story itself, and the small forms of the workflow buttons."""

from django import forms
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
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


class AuthorsWidget(forms.Widget):
    """A list of plain selects, one an author, in byline order: a few empty ones to add more.
    Works without JavaScript; the order of the selects is the order of the byline."""

    template_name = "newsroom/editing/_authors.html"
    use_fieldset = True
    EMPTY = 2  # empty selects after the chosen authors, and at least 3 in all

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = [str(v) for v in (value or []) if str(v).strip()]
        rows = chosen + [""] * max(self.EMPTY, 3 - len(chosen))
        base = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"]["rows"] = [{"id": f"{base}_{n}", "value": v, "number": n + 1} for n, v in enumerate(rows)]
        context["widget"]["choices"] = [(str(pk), label) for pk, label in self.choices]
        return context

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []

    def value_omitted_from_data(self, data, files, name):
        return False  # no select chosen means no authors

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_


class AuthorsField(forms.Field):
    """Authors by id, in the order given, each once: people who write for the site (or who
    wrote this story before they stopped)."""

    widget = AuthorsWidget

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)
        self.queryset = Person.objects.filter(is_author=True)

    def set_choices(self, queryset):
        self.queryset = queryset
        self.widget.choices = [(p.pk, f"{p.name} · {p.role}" if p.role else p.name) for p in queryset]

    def prepare_value(self, value):
        return [getattr(v, "pk", v) for v in value or []]

    def clean(self, value):
        ids = []
        for item in value or []:
            item = str(item).strip()
            if not item:
                continue
            if not item.isdigit():
                raise forms.ValidationError("Choose each author from the list.")
            ids.append(int(item))
        ids = list(dict.fromkeys(ids))
        found = self.queryset.in_bulk(ids)
        if len(found) < len(ids):
            raise forms.ValidationError("One of the authors chosen is not an author any more: choose again.")
        return [found[pk] for pk in ids]


class StoryForm(forms.ModelForm):
    """The editor: a story's fields, its authors, its people and topics by name, and the
    revision it started from."""

    authors = AuthorsField(help_text="The site's own authors, in byline order. A guest or an agency goes in the "
                                     "byline below; people are made authors on their page in People and topics.")
    # The names shown when the page was loaded come back with the post (show_hidden_initial):
    # a person the text names whom the editor deleted from here was unlinked on purpose.
    people = forms.CharField(
        required=False, show_hidden_initial=True,
        help_text="Names, separated by commas. A new name becomes a new person (editors only). "
                  "Known people the text names are added when you save; delete one here to unlink them for good.",
    )
    topics = forms.CharField(
        required=False, help_text="Names, separated by commas. A new name becomes a new topic (editors only)."
    )
    base_revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    # The tag model behind each names field, and the permission that may add to it.
    TAGS = {"people": (Person, "people.add_person", "person"), "topics": (Topic, "people.add_topic", "topic")}

    field_order = ["kind", "headline", "standfirst", "body", "authors", "byline", "source", "section", "people", "topics",
                   "language", "embargo_until", "comments_mode"]

    class Meta:
        model = Story
        fields = ["kind", "headline", "standfirst", "body", "lead_picture", "byline", "source", "section",
                  "language", "embargo_until", "comments_mode"]
        widgets = {
            "standfirst": forms.Textarea(attrs={"rows": 2}),
            # story-editor.js puts the rich-text editor in its place; without it, HTML is typed here.
            "body": forms.Textarea(attrs={"rows": 20, "data-rich-editor": ""}),
            "lead_picture": forms.HiddenInput(attrs={"data-lead-input": ""}),
            "embargo_until": LocalDateTimeInput,
        }
        help_texts = {
            # Help texts are shown as HTML: the tag names are escaped.
            "body": escape("HTML: <p>, <h2>, <h3>, <blockquote> (a pull quote: <blockquote class=\"pull-quote\">), "
                           "<ul>/<ol> with <li>, <a href>, <em>, <strong>. Anything else is removed on saving."),
            "embargo_until": "Not published before this time (site time zone); publishing waits for it.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["headline"].widget.attrs["autofocus"] = True
        authors = Person.objects.filter(is_author=True)
        if self.instance.pk:
            current = self.instance.authors_in_order()
            self.initial.setdefault("authors", [p.pk for p in current])
            authors = Person.objects.filter(Q(is_author=True) | Q(pk__in=[p.pk for p in current]))
        self.fields["authors"].set_choices(authors.only("pk", "name", "role").order_by("name"))
        self.fields["body"].widget.attrs["data-picture-search"] = reverse("pictures:choose")
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

    def lead(self):
        """The lead picture the form holds (posted, else saved), for showing it."""
        from newsdesk.pictures.models import Picture

        value = self["lead_picture"].value()
        return Picture.objects.filter(pk=value).first() if str(value or "").isdigit() else None

    def save_story(self, *, action="save"):
        """Save through the stories service (revision, audit log, edit-conflict check).

        Raises services.EditConflict with nothing written, new people and topics included.
        """
        with transaction.atomic():
            tags = {name: [self.TAGS[name][0].named(n) for n in self.cleaned_data[name]] for name in self.TAGS}
            return services.save(self.instance, by=self.user, base_revision=self.cleaned_data["base_revision"],
                                 authors=self.cleaned_data["authors"], people_shown=self.people_shown(),
                                 action=action, **tags)

    def people_shown(self):
        """The people the editor saw linked: as the page was loaded (its hidden copy of the
        field), else as the story has them now."""
        if not self.instance.pk:
            return []
        field = self["people"]
        if field.html_initial_name in self.data:
            names = split_names(self.data.get(field.html_initial_name))
            return list(Person.objects.filter(name__in=names)) if names else []
        return list(self.instance.people.all())

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
        authors = Person.objects.none()
        authors._result_cache = list(self.cleaned_data["authors"])  # what `story.authors_in_order` gives
        cache["authors"] = authors
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
