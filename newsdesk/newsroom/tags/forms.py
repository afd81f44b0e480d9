from django import forms

from newsdesk.people.services import tidy_name

KIND_CHOICES = [("person", "Person"), ("topic", "Topic")]
SHOW_CHOICES = [("", "People and topics"), ("person", "People"), ("topic", "Topics")]


class TagSearch(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Name contains",
                        widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(required=False, choices=SHOW_CHOICES, label="Show")

    def filters(self):
        """The valid filters, empty for the rest."""
        self.is_valid()
        return {"q": tidy_name(self.cleaned_data.get("q")), "kind": self.cleaned_data.get("kind") or ""}


class TagForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A line or two, shown on the person’s or topic’s page.",
    )

    def clean_name(self):
        name = tidy_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("A name is needed.")
        return name


class PictureChoice(forms.ModelChoiceField):
    def label_from_instance(self, picture):
        return f"{picture.alt[:80]} (#{picture.pk}, {picture.width}×{picture.height})"


class PersonForm(TagForm):
    """A person's page and byline: besides name and description, whether they write for the
    site, their role, bio and photo, and the other names a text may give them."""

    is_author = forms.BooleanField(required=False, label="Writes for the site",
                                   help_text="An author: chosen in the story editor, linked from bylines.")
    role = forms.CharField(required=False, max_length=200, help_text="E.g. Moscow correspondent.")
    bio = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                          help_text="A few sentences, shown on their page.")
    aliases = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Other names a story may give them, one a line (e.g. President Putin). A story naming them "
                  "by one of these is linked to them when saved or imported.")
    photo = PictureChoice(queryset=None, required=False, label="Photo", empty_label="No photo",
                          help_text="From the picture library, the latest first.")
    new_photo = forms.ImageField(required=False, label="Or upload a photo",
                                 widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))

    # The pictures offered: the latest, and the one they have.
    CHOICES = 200

    def __init__(self, *args, person, **kwargs):
        from newsdesk.pictures.models import Picture

        super().__init__(*args, **kwargs)
        latest = list(Picture.objects.order_by("-created_at", "-pk").values_list("pk", flat=True)[: self.CHOICES])
        if person.photo_id:
            latest.append(person.photo_id)
        self.fields["photo"].queryset = Picture.objects.filter(pk__in=latest).order_by("-created_at", "-pk")

    def clean_aliases(self):
        from newsdesk.people.models import alias_list

        return alias_list(self.cleaned_data["aliases"])


class NewTagForm(TagForm):
    kind = forms.ChoiceField(choices=KIND_CHOICES, widget=forms.RadioSelect, initial="person", label="Kind")

    field_order = ["kind", "name", "description"]


class MergeForm(forms.Form):
    """Which other person (or topic) this one duplicates, and which of the two to keep.
    The confirmation step sends the other one's number, so it can't match another."""

    other = forms.CharField(max_length=200, required=False, label="The other one’s name")
    other_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    keep = forms.ChoiceField(choices=[("this", "this one"), ("other", "the other one")], widget=forms.RadioSelect,
                             initial="this", label="Keep")
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, tag, **kwargs):
        super().__init__(*args, **kwargs)
        self.tag = tag
        self.fields["keep"].choices = [("this", f"“{tag.name}”"), ("other", "the other one")]

    def clean(self):
        data = super().clean()
        others = type(self.tag).objects.exclude(pk=self.tag.pk)
        if data.get("other_id") is not None:
            data["found"] = others.filter(pk=data["other_id"]).first()
            if data["found"] is None:
                raise forms.ValidationError("The other one is gone: someone merged or deleted it meanwhile.")
        elif "other" in data:
            data["found"] = self._by_name(others, tidy_name(data["other"]))
        return data

    def _by_name(self, others, name):
        what = type(self.tag)._meta.verbose_name
        if not name:
            self.add_error("other", f"Type the name of the other {what}.")
            return None
        found = others.filter(name__iexact=name).first()
        if found is not None:
            return found
        close = list(others.filter(name__icontains=name).order_by("name")[:6])
        if len(close) == 1:
            return close[0]
        if close:
            names = ", ".join(f"“{tag.name}”" for tag in close[:5])
            self.add_error("other", f"Several match: {names}{'…' if len(close) > 5 else ''}. Type the full name.")
        elif name.casefold() == self.tag.name.casefold():
            self.add_error("other", f"That is this {what} itself: choose another {what}.")
        else:
            self.add_error("other", f"No {what} of that name.")
        return None

    def pair(self):
        """(keep, duplicate) as chosen."""
        other = self.cleaned_data["found"]
        return (self.tag, other) if self.cleaned_data["keep"] == "this" else (other, self.tag)
