from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "newsdesk.twofactor"
    label = "twofactor"
    verbose_name = "Two-step sign-in"

    def ready(self):
        from django.contrib import admin

        from .forms import AdminLoginForm

        # The admin's own sign-in form is throttled (newsdesk.logins) and refuses accounts that
        # sign in with a code: they sign in through the newsroom's, which asks for it.
        admin.site.login_form = AdminLoginForm
