from django.urls import path

from . import auth_views

# Included by review/urls.py at /accounts/, so the names live in the "review" namespace
# (review:login, review:logout): the review app owns roles, so it also owns signing in.
urlpatterns = [
    path("login/", auth_views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.SignOutView.as_view(), name="logout"),
]
