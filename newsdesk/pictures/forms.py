from django import forms

from newsdesk.stories.models import Story

from .models import Picture

ALT_REQUIRED = "Describe what the picture shows in the alt text: readers who cannot see it rely on it."


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Picture", help_text="JPEG, PNG, WebP or GIF (its first frame).",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    alt = forms.CharField(
        label="Alt text", max_length=300, error_messages={"required": ALT_REQUIRED},
        help_text="What the picture shows, for readers who cannot see it.",
    )
    caption = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    credit = forms.CharField(required=False, max_length=200, help_text="Photographer or agency.")


class PictureForm(forms.ModelForm):
    class Meta:
        model = Picture
        fields = ["alt", "caption", "credit"]
        widgets = {"caption": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"alt": {"required": ALT_REQUIRED}}


class StoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, story):
        return f"{story.headline} ({story.get_status_display().lower()})"


class LeadForm(forms.Form):
    # The stories changed last: a picture is most often chosen for the story being written.
    story = StoryChoice(label="Story", queryset=Story.objects.all(), empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["story"].choices = [
            (s.pk, self.fields["story"].label_from_instance(s))
            for s in Story.objects.only("pk", "headline", "status").order_by("-modified_at", "-pk")[:30]
        ]
