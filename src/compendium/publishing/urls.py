from django.urls import path

from . import edition_views, views, whats_new, widget

app_name = "publishing"

urlpatterns = [
    path("search/export.<str:fmt>", views.search_export, name="search_export"),
    path("data/", views.data_page, name="data"),
    path("data/releases/<slug:release>/<str:name>", views.release_file, name="release_file"),
    path("feeds/entries.atom", views.entries_feed, name="feed_entries"),
    path("feeds/whats-new.atom", views.whats_new_feed, name="feed_whats_new"),
    path("whats-new/", whats_new.whats_new_page, name="whats_new"),
    # The embeddable widget, and the page that builds its snippet.
    path("embed/", widget.embed_builder, name="embed"),
    path("embed/entries/", widget.embed_entries, name="embed_entries"),
    # The official document: the adopted editions' files for everyone ...
    path("compendium/", edition_views.compendium_page, name="compendium"),
    path("compendium/files/<int:pk>/", edition_views.compendium_file, name="compendium_file"),
    # ... and the secretariat's pages on editions.
    path("secretariat/editions/", edition_views.edition_list, name="editions"),
    path("secretariat/editions/<int:pk>/", edition_views.edition_page, name="edition"),
    path(
        "secretariat/editions/<int:pk>/freeze/", edition_views.edition_freeze, name="edition_freeze"
    ),
    path(
        "secretariat/editions/<int:pk>/circulate/",
        edition_views.edition_circulate,
        name="edition_circulate",
    ),
    path(
        "secretariat/editions/<int:pk>/revise/", edition_views.edition_revise, name="edition_revise"
    ),
    path("secretariat/editions/<int:pk>/adopt/", edition_views.edition_adopt, name="edition_adopt"),
    path("secretariat/editions/<int:pk>/build/", edition_views.edition_build, name="edition_build"),
    path(
        "secretariat/editions/<int:pk>/documents/",
        edition_views.edition_documents,
        name="edition_documents",
    ),
    path(
        "secretariat/editions/<int:pk>/files/<int:file_pk>/",
        edition_views.edition_file,
        name="edition_file",
    ),
]
