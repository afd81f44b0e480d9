from django import forms

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


class LeadForm(forms.Form):
    story = forms.IntegerField(label="Story #", min_value=1)
