from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language_info

from compendium.catalog import selectors


def _sample_shown(request: HttpRequest) -> bool:
    # Asked at most once per request, and only by a template that shows the notice.
    if not hasattr(request, "_compendium_sample_shown"):
        request._compendium_sample_shown = selectors.published_sample_exists()
    return request._compendium_sample_shown


def site(request: HttpRequest) -> dict:
    """The language switcher's links point at this very page (query included) in each language;
    `sample_notice` says whether the public catalog holds illustrative sample entries."""
    path = request.get_full_path()
    return {
        "language_links": [
            {
                "code": code,
                "name": name,
                "name_local": get_language_info(code)["name_local"],
                "url": translate_url(path, code),
            }
            for code, name in settings.LANGUAGES
        ],
        "SITE_URL": settings.SITE_URL,
        "sample_notice": SimpleLazyObject(lambda: _sample_shown(request)),
    }
