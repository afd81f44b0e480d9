from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from newsdesk.audit.models import Entry
from newsdesk.people.models import Person, Topic
from newsdesk.people.services import looks_like_a_name


class BriefForm(forms.Form):
    """The breaking-brief composer: the text, and who or what it is about."""

    GUESS, PERSON, TOPIC = "", "person", "topic"

    text = forms.CharField(
        label="Brief", strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True, "aria-describedby": "brief-help"}),
    )
    tag = forms.CharField(
        label="Person or topic", required=False, max_length=200,
        widget=forms.TextInput(attrs={"list": "known-tags", "autocomplete": "off", "aria-describedby": "tag-help"}),
    )
    tag_kind = forms.ChoiceField(
        label="Is a", required=False,
        choices=[(GUESS, "Guess"), (PERSON, "Person"), (TOPIC, "Topic")],
    )

    def clean(self):
        """Decide what the typed name is, without writing anything yet.

        A known person or topic is used as it is; a new name is what the editor
        chose, else a person when it looks like a name, else a topic.
        """
        data = super().clean()
        name = " ".join(data.get("tag", "").split())
        kind = data.get("tag_kind", self.GUESS)
        data["tag"], data["tag_is_new"] = name, False
        if not name:
            data["tag_kind"] = self.GUESS
            return data
        if kind == self.GUESS:
            if Person.objects.filter(name__iexact=name).exists():
                kind = self.PERSON
            elif Topic.objects.filter(name__iexact=name).exists():
                kind = self.TOPIC
            else:
                kind = self.PERSON if looks_like_a_name(name) else self.TOPIC
        model = Person if kind == self.PERSON else Topic
        data["tag_kind"] = kind
        data["tag_is_new"] = not model.objects.filter(name__iexact=name).exists()
        return data


def known_tags(limit=500):
    """Names for the composer's datalist: people first, then topics, each by name."""
    people = [(name, "Person") for name in Person.objects.order_by("name").values_list("name", flat=True)[:limit]]
    topics = [(name, "Topic") for name in Topic.objects.order_by("name").values_list("name", flat=True)[:limit]]
    return people + topics


class LogFilter(forms.Form):
    actor = forms.ChoiceField(label="Who", required=False)
    action = forms.ChoiceField(label="Action", required=False)
    target = forms.CharField(label="Target", required=False, max_length=300,
                             help_text="Words from its name, or its number.",
                             widget=forms.TextInput(attrs={"type": "search", "aria-describedby": "id_target_helptext"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actors = get_user_model().objects.filter(pk__in=Entry.objects.values("actor")).order_by("username")
        self.fields["actor"].choices = [("", "Everyone"), ("-", "The site (no one)")] + [
            (user.get_username(), user.get_username()) for user in actors
        ]
        actions = Entry.objects.order_by("action").values_list("action", flat=True).distinct()
        self.fields["action"].choices = [("", "Any action")] + [(action, action) for action in actions]

    def filter(self, entries):
        """`entries` narrowed by the valid filters; an unknown actor or action is ignored."""
        self.is_valid()  # cleaned_data keeps the fields that are valid
        data = self.cleaned_data
        actor, action, target = data.get("actor"), data.get("action"), (data.get("target") or "").strip()
        if actor == "-":
            entries = entries.filter(actor__isnull=True)
        elif actor:
            entries = entries.filter(actor__username=actor)
        if action:
            entries = entries.filter(action=action)
        if target:
            named = Q(target__icontains=target)
            entries = entries.filter(named | Q(target_id=target) if target.isdigit() else named)
        return entries
