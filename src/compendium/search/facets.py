"""The facets of the search: which filters exist, their URL parameters and their labels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from compendium.catalog.i18n import current_language
from compendium.catalog.models import (
    ContributorType,
    Economy,
    EntryStatus,
    GenderFocus,
    InstrumentType,
    Organization,
    PolicyArea,
    Region,
    TargetGroup,
    Term,
    Verification,
    WorkingGroup,
)

LABEL_CACHE_SECONDS = 60


def _terms(model: type[Term]) -> Callable[[], dict[str, str]]:
    return lambda: {t.slug: t.label for t in model.objects.all()}


def _choices(choices) -> Callable[[], dict[str, str]]:
    return lambda: {value: str(label) for value, label in choices.choices}


def _economies() -> dict[str, str]:
    return {e.code: e.name for e in Economy.objects.all()}


def _organizations() -> dict[str, str]:
    return {o.slug: o.name for o in Organization.objects.all()}


def _working_groups() -> dict[str, str]:
    return {g.slug: g.short for g in WorkingGroup.objects.all()}


@dataclass(frozen=True)
class FacetSpec:
    name: str  # URL parameter, and prefix of the facet keys in the index (`area:ecommerce`)
    label: str | Promise
    values: Callable[[], dict[str, str]]  # value → label in the active language, in display order
    upper: bool = False  # values are upper-case codes (economies)
    sort_by_count: bool = True

    def labels(self) -> dict[str, str]:
        """Cached briefly per language: labels change only when reference data is loaded."""
        key = f"facet-labels:{self.name}:{current_language()}"
        labels = cache.get(key)
        if labels is None:
            labels = self.values()
            cache.set(key, labels, LABEL_CACHE_SECONDS)
        return labels

    def normalise(self, value: str) -> str:
        value = value.strip()
        return value.upper() if self.upper else value


FACETS: tuple[FacetSpec, ...] = (
    FacetSpec("area", _("Policy area"), _terms(PolicyArea)),
    FacetSpec("group", _("Target group"), _terms(TargetGroup)),
    FacetSpec("economy", _("Economy"), _economies, upper=True),
    FacetSpec("region", _("WTO region"), _terms(Region)),
    FacetSpec("member_of", _("Group membership"), _working_groups, sort_by_count=False),
    FacetSpec("instrument", _("Instrument type"), _terms(InstrumentType)),
    FacetSpec("gender", _("Gender focus"), _terms(GenderFocus), sort_by_count=False),
    FacetSpec("contributor_type", _("Contributor type"), _terms(ContributorType)),
    FacetSpec("organization", _("Organisation"), _organizations),
    FacetSpec("status", _("Status"), _choices(EntryStatus), sort_by_count=False),
    FacetSpec("verification", _("Verification"), _choices(Verification), sort_by_count=False),
)
FACETS_BY_NAME = {f.name: f for f in FACETS}
