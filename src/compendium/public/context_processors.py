from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language_info

from compendium.catalog import selectors


def _notices(request: HttpRequest) -> tuple[bool, bool]:
    # Asked at most once per request (both notices in one query), and only by a template that
    # shows them.
    if not hasattr(request, "_compendium_notices"):
        request._compendium_notices = selectors.published_notices()
    return request._compendium_notices


def _sample_shown(request: HttpRequest) -> bool:
    return _notices(request)[0]


def _synthetic_shown(request: HttpRequest) -> bool:
    return _notices(request)[1]


def site(request: HttpRequest) -> dict:
    """The language switcher's links point at this very page (query included) in each language;
    `sample_notice` says whether the public catalog holds illustrative sample entries, and
    `synthetic_notice` whether it holds synthetic ones (generated for benchmarks)."""
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
        "synthetic_notice": SimpleLazyObject(lambda: _synthetic_shown(request)),
    }
