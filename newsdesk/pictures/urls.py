from django.urls import path

from . import views

app_name = "pictures"
urlpatterns = [
    path("", views.library, name="library"),
    path("choose/", views.choose, name="choose"),
    path("<int:pk>/", views.picture, name="picture"),
    path("<int:pk>/original/", views.original, name="original"),
    path("<int:pk>/lead/", views.use_as_lead, name="use-as-lead"),
]
