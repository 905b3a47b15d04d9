from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("entries/", views.entry_index, name="entries"),
    path("entries/<slug:slug>/", views.entry_page, name="entry"),
    path("economies/", views.economy_index, name="economies"),
    path("economies/<str:code>/", views.economy_page, name="economy"),
    path("organizations/<slug:slug>/", views.organization_page, name="organization"),
]
