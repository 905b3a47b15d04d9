from django.urls import include, path

from . import comment_views, views

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

# Member review of circulated editions: focal points and the secretariat comment; the
# secretariat resolves (beside its edition pages).
urlpatterns += [
    path("editions/", comment_views.editions_for_review, name="editions_for_review"),
    path("editions/<int:pk>/", comment_views.edition_review, name="edition_review"),
    path("editions/<int:pk>/comment/", comment_views.edition_comment, name="edition_comment"),
    path(
        "editions/<int:pk>/entries/<int:entry_pk>/correction/",
        comment_views.edition_correction,
        name="edition_correction",
    ),
    path(
        "secretariat/editions/<int:pk>/comments/",
        comment_views.edition_comments,
        name="edition_comments",
    ),
    path(
        "secretariat/editions/<int:pk>/comments/<int:comment_pk>/resolve/",
        comment_views.comment_resolve_view,
        name="comment_resolve",
    ),
]
