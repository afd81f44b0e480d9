from django.urls import path

from . import views

app_name = "stories"
urlpatterns = [
    path("articles/<slug:slug>/", views.article, name="article"),
    path("briefs/<slug:slug>/", views.brief, name="brief"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("archive/", views.ArchiveIndex.as_view(), name="archive"),
    path("archive/<int:year>/", views.YearArchive.as_view(), name="archive-year"),
    path("archive/<int:year>/<int:month>/", views.MonthArchive.as_view(), name="archive-month"),
    path("archive/<int:year>/<int:month>/<int:day>/", views.DayArchive.as_view(), name="archive-day"),
]
