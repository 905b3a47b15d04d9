from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("search/export.<str:fmt>", views.search_export, name="search_export"),
    path("data/", views.data_page, name="data"),
    path("feeds/entries.atom", views.entries_feed, name="feed_entries"),
]
