from django.urls import path

from . import validation_views, views

app_name = "imports"

urlpatterns = [
    path("secretariat/imports/", views.batches, name="batches"),
    path("secretariat/imports/<int:pk>/", views.batch, name="batch"),
    path("secretariat/imports/<int:pk>/rows/<int:number>/", views.decide, name="decide"),
    path("secretariat/imports/<int:pk>/bulk/", views.bulk, name="bulk"),
    path("secretariat/imports/<int:pk>/accept/", views.accept, name="accept"),
    path("secretariat/imports/<int:pk>/rollback/", views.rollback, name="rollback"),
    path(
        "secretariat/imports/validation/",
        validation_views.requests,
        name="validation_requests",
    ),
    # The Member's focal point validates what others reported about it.
    path("validation/", validation_views.validate, name="validate"),
    path("validation/<int:pk>/", validation_views.answer, name="validation_answer"),
    path("validation/<int:pk>/correct/", validation_views.correct, name="validation_correct"),
]
