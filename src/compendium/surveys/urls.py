from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("survey/link/<str:token>/", views.invitation_open, name="open"),
]
