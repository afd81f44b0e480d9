from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("people/<slug:slug>/", views.person, name="person"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
]
