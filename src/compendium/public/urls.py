from django.urls import path

from . import coverage_views, search_views, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search_views.search_page, name="search"),
    path("entries/", views.entry_index, name="entries"),
    path("entries/<slug:slug>/", views.entry_page, name="entry"),
    path("economies/", views.economy_index, name="economies"),
    path("economies/<str:code>/", views.economy_page, name="economy"),
    path("organizations/", views.organization_index, name="organizations"),
    path("organizations/<slug:slug>/", views.organization_page, name="organization"),
    path("coverage/", coverage_views.coverage, name="coverage"),
]
