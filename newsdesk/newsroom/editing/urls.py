from django.urls import path

from . import views

# Included by newsdesk/newsroom/urls.py under "stories/", in its "newsroom" namespace.
urlpatterns = [
    path("", views.story_list, name="stories"),
    path("new/", views.new_story, name="new-story"),
    path("<int:pk>/", views.edit_story, name="edit-story"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/autosave/", views.autosave, name="autosave"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/schedule/", views.schedule, name="schedule"),
    path("<int:pk>/unschedule/", views.unschedule, name="unschedule"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/note/", views.note, name="note"),
]
