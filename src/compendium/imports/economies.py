"""Economy names as partners write them, resolved to the catalog's codes.

Three sources, most trusted first: our alias list (`data/economy_aliases.yaml`), the WTO names in
English, French and Spanish (the catalog's economies), and pycountry's ISO names (official and
common names, with their French and Spanish translations). A name that ISO knows but that is not a
WTO Member or Observer is reported as such, not silently dropped."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry
import yaml

from compendium.catalog.models import Economy

from .text import fold

ALIASES_FILE = Path(__file__).parent / "data" / "economy_aliases.yaml"


@dataclass(frozen=True)
class EconomyMatch:
    code: str = ""  # the catalog's code when resolved
    problem: str = ""  # otherwise: "unknown", "ambiguous" or "not_wto" (with `iso_name`)
    iso_name: str = ""


@cache
def _aliases() -> tuple[dict[str, str], frozenset[str]]:
    data = yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8")) or {}
    names = {
        fold(name): code for code, listed in data.get("aliases", {}).items() for name in listed
    }
    return names, frozenset(fold(name) for name in data.get("ambiguous", []))


@cache
def _iso_names() -> dict[str, tuple[str, str]]:
    """Folded ISO name (EN/FR/ES; official and common) → (alpha-3, English name)."""
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in ("fr", "es")
    ]
    names: dict[str, tuple[str, str]] = {}
    for country in pycountry.countries:
        spelled = {country.name, country.alpha_3, country.alpha_2}
        spelled.update(
            getattr(country, attr)
            for attr in ("official_name", "common_name")
            if hasattr(country, attr)
        )
        for translation in translations:
            spelled.update(translation.gettext(name) for name in list(spelled))
        for name in spelled:
            names.setdefault(fold(name), (country.alpha_3, country.name))
    return names


class EconomyResolver:
    """Built once per import from the economies in the database; then no query per row."""

    def __init__(self) -> None:
        self.codes: set[str] = set()
        self.names: dict[str, str] = {}
        for code, *names in Economy.objects.values_list("code", "name_en", "name_fr", "name_es"):
            self.codes.add(code)
            for name in names:
                self.names.setdefault(fold(name), code)
        aliases, self.ambiguous = _aliases()
        # The alias list is ours and says what we mean: it wins over a WTO name that folds alike.
        self.names.update({name: code for name, code in aliases.items() if code in self.codes})

    def resolve(self, value: str) -> EconomyMatch:
        text = value.strip()
        if text.upper() in self.codes:
            return EconomyMatch(code=text.upper())
        key = fold(text)
        if key in self.ambiguous:
            return EconomyMatch(problem="ambiguous")
        if key in self.names:
            return EconomyMatch(code=self.names[key])
        iso = _iso_names().get(key)
        if iso is None:
            return EconomyMatch(problem="unknown")
        if iso[0] in self.codes:
            return EconomyMatch(code=iso[0])
        return EconomyMatch(problem="not_wto", iso_name=iso[1])
