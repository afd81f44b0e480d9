from django.urls import path

from . import views

app_name = "twofactor"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("code/", views.code, name="code"),
    path("setup/", views.setup, name="setup"),
    path("off/", views.turn_off, name="off"),
    path("recovery-codes/", views.recovery_codes, name="recovery-codes"),
]
