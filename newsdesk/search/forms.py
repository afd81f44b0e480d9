from django import forms

from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section

from .services import Filters


class SearchForm(forms.Form):
    """The query and its filters, as a GET form: every field optional, bad values told."""

    q = forms.CharField(label="Search for", required=False, max_length=1000, strip=True)
    section = forms.ModelChoiceField(Section.objects.all(), to_field_name="slug", required=False,
                                     empty_label="All sections")
    person = forms.SlugField(required=False, max_length=200)
    topic = forms.SlugField(required=False, max_length=200)
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def _tag(self, name, model):
        slug = self.cleaned_data.get(name)
        if not slug:
            return None
        found = model.objects.filter(slug=slug).first()
        if found is None:
            raise forms.ValidationError(f"No {model._meta.verbose_name} at “{slug}”.")
        return found

    def clean_person(self):
        return self._tag("person", Person)

    def clean_topic(self):
        return self._tag("topic", Topic)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date is before the start date.")
        return data

    def filters(self):
        data = self.cleaned_data
        return Filters(section=data.get("section"), person=data.get("person"), topic=data.get("topic"),
                       since=data.get("since"), until=data.get("until"))
