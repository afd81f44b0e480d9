from django.urls import path

from . import views

# Included under the newsroom's namespace: newsroom:users, newsroom:user, ...
urlpatterns = [
    path("", views.user_list, name="users"),
    path("invite/", views.invite, name="user-invite"),
    path("<int:pk>/", views.user_page, name="user"),
    path("<int:pk>/roles/", views.roles, name="user-roles"),
    path("<int:pk>/deactivate/", views.deactivate, name="user-deactivate"),
    path("<int:pk>/reactivate/", views.reactivate, name="user-reactivate"),
    path("<int:pk>/link/", views.new_link, name="user-link"),
    path("welcome/<uidb64>/<token>/", views.Welcome.as_view(), name="welcome"),
    path("welcome/done/", views.welcome_done, name="welcome-done"),
]
