from django.urls import path

from . import views

# No app_name: these live in the "newsroom" namespace of newsdesk/newsroom/urls.py.
urlpatterns = [
    path("", views.home, name="home"),
    path("brief/", views.brief, name="brief"),
    path("revisions/<int:pk>/", views.revisions, name="revisions"),
    path("revisions/<int:pk>/diff/", views.diff, name="diff"),
    path("revisions/<int:pk>/<int:number>/restore/", views.restore, name="restore"),
    path("log/", views.log, name="log"),
]
