from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [
    path("stories/<int:story_id>/", views.post, name="post"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/like/", views.like, name="like"),
]
