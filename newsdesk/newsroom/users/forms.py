from django import forms
from django.contrib.auth import get_user_model

from newsdesk.newsroom.roles import ROLES

ROLE_CHOICES = [(name, name) for name in ROLES]
ROLE_HELP = ("Reporter: writes and edits their own drafts. Editor: edits, publishes and withdraws any story, "
             "looks after people and topics. Moderator: runs the comments. Admin: manages users.")


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple, label="Roles",
                         help_text=ROLE_HELP, error_messages={"required": "Choose at least one role."}, **kwargs)


class InviteForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="What they sign in with: letters, digits and @ . + - _ only.")
    email = forms.EmailField(max_length=254)
    first_name = forms.CharField(max_length=150, required=False, label="First name")
    last_name = forms.CharField(max_length=150, required=False, label="Last name")
    roles = RolesField()
    email_link = forms.BooleanField(required=False, label="Email them the link to choose a password",
                                    help_text="Otherwise the link is shown to you on the next page, to pass on.")

    def clean_username(self):
        User = get_user_model()
        username = User.normalize_username(self.cleaned_data["username"].strip())
        for validator in User._meta.get_field("username").validators:
            validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(f"There is already an account called {username}.")
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(f"An account already uses {email}.")
        return email


class RolesForm(forms.Form):
    roles = RolesField()


class LinkForm(forms.Form):
    email_link = forms.BooleanField(required=False, label="Email it to them")


class UserFilter(forms.Form):
    SHOWS = [("active", "Active"), ("deactivated", "Deactivated"), ("all", "All")]
    show = forms.ChoiceField(choices=SHOWS, required=False)
    q = forms.CharField(max_length=150, required=False, label="Name, username or email",
                        widget=forms.TextInput(attrs={"type": "search"}))
