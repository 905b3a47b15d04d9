"""One raw row → the values of an entry (slugs and codes), with what is wrong, by column.

Everything the rows are checked against (vocabularies, organisations, economies) is read once
per import (`Vocabulary`), so mapping ten thousand rows costs no query per row."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from compendium.catalog.models import (
    MAX_YEAR,
    MIN_YEAR,
    ContributorType,
    Entry,
    EntryStatus,
    GenderFocus,
    InstrumentType,
    Organization,
    PolicyArea,
    TargetGroup,
)

from .classify import suggest
from .economies import EconomyResolver
from .mappings import (
    LIST_FIELDS,
    TERM_FIELDS,
    TERM_LIST_FIELDS,
    TEXT_FIELDS,
    YEAR_FIELDS,
    Column,
    Mapping,
)
from .problems import ERROR, WARNING, Problem
from .reading import RawRow
from .text import fold

VOCABULARIES = {
    "policy_areas": PolicyArea,
    "target_groups": TargetGroup,
    "instrument_type": InstrumentType,
    "gender_focus": GenderFocus,
    "contributor_type": ContributorType,
}
HTML_TAG = re.compile(r"<\s*[a-zA-Z!/][^>]*>")
FORMULA = re.compile(r"^=\s*[A-Za-z_][A-Za-z0-9_.]*\s*[(!]|^=\s*\$?[A-Z]{1,3}\$?\d|^=\s*[-+]?\d")
YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|2100)(?!\d)")
EXCEL_EPOCH = date(1899, 12, 30)
# Categories a row must have; when missing, the classifier suggests some.
NEEDED = ("policy_areas", "target_groups", "instrument_type")
MAX_LENGTHS = {
    name: Entry._meta.get_field(name).max_length
    for name in TEXT_FIELDS
    if Entry._meta.get_field(name).max_length
}
_check_url = URLValidator(schemes=["http", "https"])


class Vocabulary:
    """What imported values may name: each vocabulary's slugs and labels (EN/FR/ES), the
    organisations (slug, acronym, names, other names) and the economies."""

    def __init__(self) -> None:
        self.terms: dict[str, dict[str, str]] = {}
        self.slugs: dict[str, set[str]] = {}
        for name, model in VOCABULARIES.items():
            rows = model.objects.values_list("slug", "label_en", "label_fr", "label_es")
            self.slugs[name] = {row[0] for row in rows}
            self.terms[name] = {fold(text): row[0] for row in rows for text in row if text}
        self.slugs["status"] = set(EntryStatus.values)
        self.terms["status"] = {fold(v): v for v in EntryStatus.values} | {
            fold(str(label)): value for value, label in EntryStatus.choices
        }
        self.organizations: dict[str, str] = {}
        for slug, acronym, *names, aliases in Organization.objects.values_list(
            "slug", "acronym", "name_en", "name_fr", "name_es", "aliases"
        ):
            for text in (slug, acronym, *names, *(aliases or [])):
                if text:
                    self.organizations.setdefault(fold(text), slug)
        self.organization_slugs = set(self.organizations.values())
        self.economies = EconomyResolver()


def mapping_problems(mapping: Mapping, vocabulary: Vocabulary) -> list[str]:
    """Slugs and codes the mapping names that the catalog does not have."""
    problems = []
    for column in mapping.columns:
        known = vocabulary.slugs.get(column.field)
        for source_value, target in column.values.items():
            if target is None:
                continue
            if column.field == "economies":
                ok = target in vocabulary.economies.codes
            elif column.field == "organizations":
                ok = target in vocabulary.organization_slugs
            else:
                ok = known is None or target in known
            if not ok:
                problems.append(
                    _(
                        "Column “%(column)s”: “%(value)s” translates to unknown %(field)s "
                        "“%(slug)s”."
                    )
                    % {
                        "column": column.name,
                        "value": source_value,
                        "field": column.field,
                        "slug": target,
                    }
                )
    if mapping.organization and mapping.organization not in vocabulary.organization_slugs:
        problems.append(
            _("The mapping's organisation “%(slug)s” is not in the catalog.")
            % {"slug": mapping.organization}
        )
    return problems


@dataclass
class MappedRow:
    number: int
    raw: dict[str, str]
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    suggestions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level != ERROR]


class RowMapper:
    def __init__(self, mapping: Mapping, vocabulary: Vocabulary, headers: list[str]) -> None:
        self.mapping, self.vocabulary = mapping, vocabulary
        self.columns: list[tuple[str, Column]] = [
            (header, column) for header in headers if (column := mapping.column_for(header))
        ]
        self.date_shapes: dict[str, set[str]] = {}

    # --- one cell ------------------------------------------------------------------------------

    def _text(self, value: str, row: int, column: str, field_name: str, out: list[Problem]) -> str:
        if FORMULA.match(value):
            out.append(
                Problem(
                    _("A formula (%(formula)s): never calculated here; its text was kept.")
                    % {"formula": value[:60]},
                    level=WARNING,
                    row=row,
                    column=column,
                    field=field_name,
                )
            )
        if HTML_TAG.search(value):
            value = html.unescape(nh3.clean(value, tags=set())).strip()
            out.append(
                Problem(
                    _("HTML or a script in this cell was removed; only its text was kept."),
                    level=WARNING,
                    row=row,
                    column=column,
                    field=field_name,
                )
            )
        return value

    def _term(self, column: Column, value: str) -> str | None:
        """The slug for a source value: the mapping's own translation first, then our slugs and
        labels. `None` when the value means nothing (mapped to null), '' when unknown."""
        key = fold(value)
        if key in column.values:
            return column.values[key]
        return self.vocabulary.terms.get(column.field, {}).get(key, "")

    def _year(self, value: str, row: int, column: str, field_name: str, out: list[Problem]):
        shape = re.sub(r"[A-Za-zÀ-ÿ]+", "a", re.sub(r"\d", "9", value))
        self.date_shapes.setdefault(column, set()).add(shape)
        if re.fullmatch(r"\d{5}(\.0+)?", value) and 20000 <= float(value) <= 80000:
            day = EXCEL_EPOCH + timedelta(days=int(float(value)))
            out.append(
                Problem(
                    _("The number %(value)s was read as a spreadsheet date (%(date)s).")
                    % {"value": value, "date": day.isoformat()},
                    level=WARNING,
                    row=row,
                    column=column,
                    field=field_name,
                )
            )
            return day.year
        years = [int(y) for y in YEAR.findall(value) if MIN_YEAR <= int(y) <= MAX_YEAR]
        if not years:
            out.append(
                Problem(
                    _(
                        "“%(value)s” is not a date or a year we can read (e.g. 2021, 2021-03-01, "
                        "01/03/2021, March 2021)."
                    )
                    % {"value": value[:60]},
                    row=row,
                    column=column,
                    field=field_name,
                )
            )
            return None
        return years[0] if field_name == "start_year" else years[-1]

    def _economy(self, value: str, column: Column, row: int, out: list[Problem]) -> str:
        key = fold(value)
        if key in column.values:
            return column.values[key] or ""
        match = self.vocabulary.economies.resolve(value)
        if match.code:
            return match.code
        messages = {
            "ambiguous": _("“%(value)s” may mean several economies: write the ISO3 code."),
            "not_wto": _("“%(value)s” (%(iso)s) is not a WTO Member or Observer."),
        }
        message = messages.get(match.problem, _("Unknown economy “%(value)s”."))
        out.append(
            Problem(
                message % {"value": value, "iso": match.iso_name},
                row=row,
                column=column.name,
                field="economies",
            )
        )
        return ""

    def _organization(self, value: str, column: Column, row: int, out: list[Problem]) -> str:
        key = fold(value)
        slug = (
            column.values.get(key)
            if key in column.values
            else self.vocabulary.organizations.get(key)
        )
        if slug is None or slug == "":
            out.append(
                Problem(
                    _("Unknown organisation “%(value)s”: kept in “implementers (as reported)”.")
                    % {"value": value},
                    level=WARNING,
                    row=row,
                    column=column.name,
                    field="organizations",
                )
            )
            return ""
        return slug

    # --- one row ---------------------------------------------------------------------------------

    def map_row(self, raw: RawRow) -> MappedRow:
        out: list[Problem] = list(raw.flags)
        values: dict[str, Any] = {"language": self.mapping.language}
        values.update(self._defaults())
        unknown_terms: dict[str, list[str]] = {}
        unreported: list[str] = []
        filled: set[str] = set()
        for header, column in self.columns:
            cell = (raw.values.get(header) or "").strip()
            if not cell:
                continue
            name = column.field
            cell = self._text(cell, raw.number, header, name, out)
            parts = [p.strip() for p in cell.split(column.split)] if column.split else [cell]
            parts = [p for p in parts if p]
            if name in TEXT_FIELDS:
                joined = "\n\n".join(
                    filter(None, [values.get(name) if name in filled else "", cell])
                )
                values[name] = joined
            elif name in TERM_FIELDS or name in TERM_LIST_FIELDS or name == "status":
                slugs = []
                for part in parts:
                    slug = self._term(column, part)
                    if slug:
                        slugs.append(slug)
                    elif slug == "":
                        unknown_terms.setdefault(name, []).append(part)
                        out.append(
                            Problem(
                                _("“%(value)s” is not in the mapping for %(field)s.")
                                % {"value": part, "field": name},
                                level=WARNING if name in TERM_LIST_FIELDS else ERROR,
                                row=raw.number,
                                column=header,
                                field=name,
                            )
                        )
                if name in TERM_LIST_FIELDS:
                    previous = values.get(name, []) if name in filled else []
                    values[name] = sorted(set(previous) | set(slugs))
                elif slugs:
                    values[name] = slugs[0]
                elif name in values and name not in filled:
                    del values[name]
            elif name in YEAR_FIELDS:
                year = self._year(cell, raw.number, header, name, out)
                if year is not None:
                    values[name] = year
            elif name == "economies":
                codes = [c for p in parts if (c := self._economy(p, column, raw.number, out))]
                previous = values.get(name, []) if name in filled else []
                values[name] = sorted(set(previous) | set(codes))
            elif name == "organizations":
                slugs = []
                for part in parts:
                    slug = self._organization(part, column, raw.number, out)
                    (slugs.append(slug) if slug else unreported.append(part))
                previous = values.get(name, []) if name in filled else []
                values[name] = sorted(set(previous) | set(slugs))
            elif name == "links":
                links = values.get("links", []) if name in filled else []
                for part in parts:
                    links.append(self._link(part, raw.number, header, out))
                values["links"] = [link for link in links if link]
            elif name == "women_reached":
                digits = re.sub(r"[^\d]", "", cell)
                values["women_reached_as_reported"] = cell
                if digits:
                    values["women_reached"] = int(digits)
            elif name == "language":
                values["language"] = cell.lower()[:8]
            filled.add(name)
        if unreported:
            existing = values.get("implementers_as_reported", "")
            values["implementers_as_reported"] = "; ".join(filter(None, [existing, *unreported]))
        mapped = MappedRow(number=raw.number, raw=raw.values, values=values, problems=out)
        self._check(mapped, unknown_terms)
        return mapped

    def _defaults(self) -> dict[str, Any]:
        defaults = dict(self.mapping.defaults)
        if self.mapping.organization:
            defaults.setdefault("contributor", self.mapping.organization)
        for name in LIST_FIELDS:
            if name in defaults and not isinstance(defaults[name], list):
                defaults[name] = [defaults[name]]
        return defaults

    def _link(self, value: str, row: int, column: str, out: list[Problem]) -> dict[str, str]:
        url = value if "://" in value else f"https://{value}"
        try:
            _check_url(url)
        except ValidationError:
            out.append(
                Problem(
                    _("“%(value)s” is not a web address; it was left out.") % {"value": value[:80]},
                    level=WARNING,
                    row=row,
                    column=column,
                    field="links",
                )
            )
            return {}
        return {"url": url, "label": column, "kind": "website"}

    # --- the whole row -------------------------------------------------------------------------

    def _check(self, row: MappedRow, unknown_terms: dict[str, list[str]]) -> None:
        values, out = row.values, row.problems
        column_of = {column.field: header for header, column in reversed(self.columns)}
        for name in self.mapping.required:
            if values.get(name) in (None, "", []):
                out.append(
                    Problem(
                        _("This required value is missing."),
                        row=row.number,
                        column=column_of.get(name, ""),
                        field=name,
                    )
                )
        for name, limit in MAX_LENGTHS.items():
            if len(values.get(name) or "") > limit:
                out.append(
                    Problem(
                        _("Longer than %(n)s characters.") % {"n": limit},
                        row=row.number,
                        column=column_of.get(name, ""),
                        field=name,
                    )
                )
        start, end = values.get("start_year"), values.get("end_year")
        if start and end and end < start:
            out.append(
                Problem(
                    _("The end year is before the start year."), row=row.number, field="end_year"
                )
            )
        missing = tuple(name for name in NEEDED if not values.get(name))
        if missing:
            text = " ".join(str(values.get(n) or "") for n in ("title", "description"))
            text += " " + " ".join(v for values_ in unknown_terms.values() for v in values_)
            for suggestion in suggest(text, language=values.get("language", "en"), fields=missing):
                row.suggestions.setdefault(suggestion.field, []).append(suggestion.as_json())
            for name in missing:
                out.append(
                    Problem(
                        _("No %(field)s: accept a suggestion or choose one.") % {"field": name}
                        if row.suggestions.get(name)
                        else _("No %(field)s, and none could be suggested.") % {"field": name},
                        row=row.number,
                        column=column_of.get(name, ""),
                        field=name,
                    )
                )

    def column_notes(self) -> list[Problem]:
        notes = []
        for column, shapes in self.date_shapes.items():
            if len(shapes) > 1:
                notes.append(
                    Problem(
                        _(
                            "Dates in this column come in %(n)s different formats; each was read "
                            "as a year (check the warnings)."
                        )
                        % {"n": len(shapes)},
                        level=WARNING,
                        column=column,
                    )
                )
        return notes
