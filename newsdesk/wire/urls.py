from django.urls import path

from . import rule_views, views

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
    path("rules/", rule_views.rule_list, name="rules"),
    path("rules/new/", rule_views.rule_edit, name="rule-new"),
    path("rules/<int:pk>/", rule_views.rule_edit, name="rule-edit"),
    path("rules/<int:pk>/delete/", rule_views.rule_delete, name="rule-delete"),
    path("rules/<int:pk>/<str:direction>/", rule_views.rule_move, name="rule-move"),
]
