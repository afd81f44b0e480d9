from django.urls import path

from . import views

app_name = "moderation"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("comments/<int:pk>/approve/", views.approve, name="approve"),
    path("comments/<int:pk>/reject/", views.reject, name="reject"),
    path("comments/<int:pk>/spam/", views.spam, name="spam"),
    path("comments/<int:pk>/ban/", views.ban_from_comment, name="ban"),
    path("undo/", views.undo, name="undo"),
    path("bans/", views.bans, name="bans"),
    path("bans/<int:pk>/lift/", views.lift, name="lift"),
    path("words/", views.words, name="words"),
    path("words/<int:pk>/remove/", views.remove_word_view, name="remove-word"),
    path("log/", views.log, name="log"),
]
