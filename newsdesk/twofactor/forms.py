from django import forms

from newsdesk.logins.forms import AdminLoginForm as ThrottledAdminLoginForm

from . import services

CODE_ATTRS = {"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "none",
              "spellcheck": "false", "autofocus": True}


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code", max_length=40,
        help_text="The six digits your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={**CODE_ATTRS, "inputmode": "text"}),
    )


class ConfirmForm(forms.Form):
    code = forms.CharField(
        label="Code from the app", max_length=20,
        help_text="The six digits the app shows for this account now.",
        widget=forms.TextInput(attrs={**CODE_ATTRS, "pattern": r"[0-9 ]{6,7}"}),
    )


class ProveForm(forms.Form):
    """A current code or the password, before the second factor is turned off or its recovery
    codes replaced: a session left open on someone else's screen is not enough."""

    code = forms.CharField(label="Code from your app", max_length=40, required=False,
                           widget=forms.TextInput(attrs={**CODE_ATTRS, "autofocus": False, "inputmode": "text"}))
    password = forms.CharField(label="or your password", strip=False, required=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        code, password = data.get("code"), data.get("password")
        if password:
            if not self.user.check_password(password):
                raise forms.ValidationError("That password is not right.", code="password")
        elif code:
            try:
                services.check(self.user, code)
            except services.CodeRefused as refusal:
                raise forms.ValidationError(str(refusal), code="code") from None
        else:
            raise forms.ValidationError("Type a code from your app, or your password.", code="required")
        return data


class AdminLoginForm(ThrottledAdminLoginForm):
    """The admin's sign-in (throttled like every other), for accounts without a second factor only."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if services.is_on(user):
            raise forms.ValidationError(
                "This account signs in with a code from its app: sign in through the newsroom's sign-in page.",
                code="second_factor",
            )
