from django.urls import path

from . import views

app_name = "signins"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("<int:pk>/end/", views.end, name="end"),
    path("others/end/", views.end_others, name="end-others"),
]
