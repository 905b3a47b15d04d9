from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Compendium: secretariat administration")
admin.site.site_title = _("Compendium administration")
admin.site.index_title = _("Catalog, roles and audit log")

urlpatterns = [
    path("admin/", admin.site.urls),
    # The read API is language-neutral (?lang=): outside the language prefixes.
    path("api/v1/", include("compendium.api.urls")),
]
# English at /, French at /fr/, Spanish at /es/: every page has a stable address per language.
urlpatterns += i18n_patterns(
    path("", include("compendium.public.urls")),
    path("", include("compendium.publishing.urls")),
    path("", include("compendium.surveys.urls")),
    # The review queue (/secretariat/review/) and sign-in for everyone (/accounts/).
    path("", include("compendium.review.urls")),
    # Partner data imports (/secretariat/imports/), secretariat only.
    path("", include("compendium.imports.urls")),
    prefix_default_language=False,
)
