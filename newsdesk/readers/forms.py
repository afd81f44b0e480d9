from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm

from newsdesk.logins import throttle

from . import services

NAME_HELP = "Shown next to your comments: 2 to 50 characters."


class DisplayNameField(forms.CharField):
    def __init__(self, **kwargs):
        # Long enough for invisible characters that cleaning removes; the real limit is 50.
        kwargs.setdefault("max_length", 200)
        super().__init__(label="Display name", help_text=NAME_HELP, **kwargs)
        self.widget.attrs.update(autocomplete="nickname")

    def clean(self, value):
        return services.clean_display_name(super().clean(value))


class SignupForm(forms.Form):
    display_name = DisplayNameField()
    email = forms.EmailField(
        label="Email address",
        help_text="Never shown to anyone. We send a link to confirm it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        help_text="At least 8 characters; not a common password, and not like your email address.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"]
        if services.email_taken(email):
            raise forms.ValidationError(
                "An account with this email address already exists. Sign in, or reset your password if you have forgotten it.",
                code="taken",
            )
        return email

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            # The validators compare the password with the email address and the name.
            user = get_user_model()(email=data.get("email", ""), first_name=data.get("display_name", ""))
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class LoginForm(forms.Form):
    """Email (or a newsroom username) and password; what Django's LoginView expects of a form."""

    email = forms.CharField(
        label="Email address", max_length=254,
        help_text="Newsroom staff may use their username.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "email", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request, self.user = request, None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("email") and data.get("password"):
            login = data["email"].strip()
            # Readers sign in by email; the newsroom's accounts (such as the one `newsdesk
            # serve` prints) may have only a username.
            credentials = {"email": login} if "@" in login else {"username": login}
            # Throttled per account and per client: refused without a password check after too many failures.
            with throttle.guarded(self.request, login, "newsroom" if "username" in credentials else "readers"):
                self.user = authenticate(self.request, password=data["password"], **credentials)
                if self.user is None:
                    raise forms.ValidationError(
                        "That email address (or username) and password do not match an account. Check them and try again.",
                        code="invalid_login",
                    )
        return data

    def get_user(self):
        return self.user


class AccountForm(forms.Form):
    display_name = DisplayNameField()


class ResetForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        help_text="The address you signed up with. We send a link to choose a new password.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PlainHelpMixin:
    """Django's password help is an HTML list; one plain sentence reads better beside a field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = "At least 8 characters; not a common password, and not like your email address."
        self.fields["new_password2"].help_text = "The same password again, to be sure it is typed right."


class NewPasswordForm(PlainHelpMixin, SetPasswordForm):
    pass


class ChangePasswordForm(PlainHelpMixin, PasswordChangeForm):
    pass
