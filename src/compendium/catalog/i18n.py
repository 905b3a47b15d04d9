"""Picking the right language from models that store EN/FR/ES side by side."""

from django.utils.translation import get_language

LANGUAGE_CODES = ("en", "fr", "es")


def current_language() -> str:
    code = (get_language() or "en")[:2]
    return code if code in LANGUAGE_CODES else "en"


def translated(obj: object, field: str, language: str | None = None) -> str:
    """`obj.<field>_<lang>`, falling back to English, then to `obj.<field>` (the original)."""
    lang = language or current_language()
    for name in (f"{field}_{lang}", f"{field}_en", field):
        value = getattr(obj, name, "")
        if value:
            return value
    return ""
