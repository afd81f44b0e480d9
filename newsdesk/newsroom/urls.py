from django.urls import include, path

app_name = "newsroom"
# Each part of the newsroom keeps its own URLs: the desk (home, breaking brief,
# revisions, log), editing stories, people and topics, and the newsroom's users.
urlpatterns = [
    path("", include("newsdesk.newsroom.desk.urls")),
    path("stories/", include("newsdesk.newsroom.editing.urls")),
    path("tags/", include("newsdesk.newsroom.tags.urls")),
    path("users/", include("newsdesk.newsroom.users.urls")),
]
