from django.urls import include, path

from . import views

app_name = "review"

# The review queue, at /secretariat/review/.
queue_patterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.proposal_page, name="proposal"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/request-changes/", views.request_changes, name="request_changes"),
    path("<int:pk>/reject/", views.reject, name="reject"),
]

# Mounted at the root of every language's prefix: one namespace for the queue and for signing in
# (two includes sharing the "review" namespace would hide one another's names).
urlpatterns = [
    path("secretariat/review/", include(queue_patterns)),
    path("accounts/", include("compendium.review.auth_urls")),
]
