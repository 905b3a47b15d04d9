"""Small template helpers for the public pages."""

from urllib.parse import urlsplit

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from compendium.catalog.models import Entry

register = template.Library()


@register.filter
def web_address(value: str) -> str:
    """The address if it is an http(s) one, else "": a stored `javascript:` URL never becomes a
    link, whatever let it in."""
    text = str(value or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return ""
    return text if scheme in {"http", "https"} else ""


# Names a source may give for what it supports that are not model fields of an entry.
_OTHER_FIELDS = {"contributor": _("contributor"), "links": _("links"), "sources": _("sources")}


@register.filter
def entry_field_labels(names: list[str] | None) -> list[str]:
    """What a source supports, as the readable names of the entry's fields."""
    labels = []
    for name in names or []:
        if name in _OTHER_FIELDS:
            labels.append(str(_OTHER_FIELDS[name]))
            continue
        try:
            labels.append(str(Entry._meta.get_field(name).verbose_name))
        except (FieldDoesNotExist, AttributeError):
            labels.append(str(name))
    return labels


@register.filter
def shown_language(entry: Entry, field: str) -> str:
    """The language of the text `Entry.display_<field>` shows (the page's, English, or the
    original), for a `lang` attribute so screen readers pronounce it right."""
    for code in ((get_language() or "en")[:2], "en"):
        if getattr(entry, f"{field}_{code}", ""):
            return code
    return entry.language
