"""The site's URLs with a view that fails, to see the 500 page."""

from django.urls import path

from newsdesk.site import views

urlpatterns = [path("", lambda request: views.home(request))]
handler500 = "newsdesk.site.views.server_error"
