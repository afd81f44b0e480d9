from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("sections/", views.sections, name="sections"),
    path("people/", views.people, name="people"),
    path("topics/", views.topics, name="topics"),
    path("site-map/", views.site_map, name="site-map"),
]
