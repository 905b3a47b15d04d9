from django.urls import path

from . import views

app_name = "review"

# Mounted at /secretariat/review/ (in every language's prefix).
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.proposal_page, name="proposal"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/request-changes/", views.request_changes, name="request_changes"),
    path("<int:pk>/reject/", views.reject, name="reject"),
]
