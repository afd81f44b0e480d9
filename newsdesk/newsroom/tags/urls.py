from django.urls import path

from . import views

# Included by newsdesk/newsroom/urls.py, inside the "newsroom" namespace.
urlpatterns = [
    path("", views.tag_list, name="tags"),
    path("new/", views.new_tag, name="tag-new"),
    path("suggestions/", views.suggestions, name="tag-suggestions"),
    path("<str:kind>/<int:pk>/", views.edit_tag, name="tag-edit"),
    path("<str:kind>/<int:pk>/merge/", views.merge_tag, name="tag-merge"),
    path("<str:kind>/<int:pk>/delete/", views.delete_tag, name="tag-delete"),
]
