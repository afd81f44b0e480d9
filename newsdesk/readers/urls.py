from django.contrib.auth import views as auth
from django.urls import path

from . import views

app_name = "readers"
urlpatterns = [
    path("", views.account, name="account"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.Login.as_view(), name="login"),
    path("csrf/", views.csrf, name="csrf"),
    path("logout/", auth.LogoutView.as_view(next_page="home"), name="logout"),
    path("verify/resend/", views.resend, name="resend"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("password/reset/", views.PasswordReset.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth.PasswordResetDoneView.as_view(template_name="readers/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirm.as_view(), name="password_reset_confirm"),
    path(
        "password/reset/done/",
        auth.PasswordResetCompleteView.as_view(template_name="readers/password_reset_done.html"),
        name="password_reset_complete",
    ),
]
