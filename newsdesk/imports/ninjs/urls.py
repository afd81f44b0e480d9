from django.urls import path

from . import views

app_name = "ninjs"
urlpatterns = [
    path("stories/<int:pk>.ninjs.json", views.story, name="story"),
]
