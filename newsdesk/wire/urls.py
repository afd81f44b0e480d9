from django.urls import path

from . import views

app_name = "wire"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("rows/", views.rows, name="rows"),
    path("<int:pk>/", views.item, name="item"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/take/", views.take, name="take"),
    path("alerts/<int:pk>/<str:action>/", views.alert_action, name="alert"),
    path("channels/", views.channel_list, name="channels"),
    path("channels/new/", views.channel_edit, name="channel-new"),
    path("channels/<int:pk>/", views.channel, name="channel"),
    path("channels/<int:pk>/edit/", views.channel_edit, name="channel-edit"),
    path("channels/<int:pk>/pause/", views.channel_pause, name="channel-pause"),
]
