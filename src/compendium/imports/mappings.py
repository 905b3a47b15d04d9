"""A source's mapping, as data: which column becomes which field, how its values translate into
our slugs and codes, its language, defaults, licence and citation. One YAML file per source in
`data/mappings/`; a curator may also give their own file (`--mapping`, or on the upload form)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from compendium.catalog.models import Verification

from .text import fold

MAPPINGS_DIR = Path(__file__).parent / "data" / "mappings"
MAX_MAPPING_BYTES = 200_000

TEXT_FIELDS = (
    "title",
    "description",
    "title_en",
    "title_fr",
    "title_es",
    "description_en",
    "description_fr",
    "description_es",
    "implementers_as_reported",
    "budget_as_reported",
    "women_reached_as_reported",
)
TERM_FIELDS = ("instrument_type", "gender_focus", "contributor_type")
TERM_LIST_FIELDS = ("policy_areas", "target_groups")
YEAR_FIELDS = ("start_year", "end_year")
OTHER_FIELDS = ("economies", "organizations", "status", "links", "women_reached", "language")
KNOWN_FIELDS = (*TEXT_FIELDS, *TERM_FIELDS, *TERM_LIST_FIELDS, *YEAR_FIELDS, *OTHER_FIELDS)
LIST_FIELDS = (*TERM_LIST_FIELDS, "economies", "organizations", "links")
PROVENANCES = (Verification.PARTNER_REPORTED, Verification.SECRETARIAT_COMPILED)


class MappingInvalid(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Column:
    """What one of the file's columns becomes."""

    name: str  # as the file writes it
    field: str
    split: str = ""  # for list fields: the separator between values in one cell
    values: dict[str, str | None] = field(default_factory=dict)  # folded value → slug or code


@dataclass(frozen=True)
class Mapping:
    source: str
    title: str
    organization: str  # the partner's organisation slug: the entries' source and contributor
    provenance: str
    language: str
    licence: str
    citation: str
    url: str
    columns: tuple[Column, ...]
    required: tuple[str, ...]
    defaults: dict[str, Any]
    ignore: tuple[str, ...]
    sheet: str = ""
    encoding: str = ""
    delimiter: str = ""
    snapshot: dict[str, Any] = field(default_factory=dict)  # the file as loaded

    @property
    def column_names(self) -> set[str]:
        return {column.name for column in self.columns}

    def column_for(self, name: str) -> Column | None:
        folded = fold(name)
        return next((c for c in self.columns if fold(c.name) == folded), None)


def available_sources() -> list[str]:
    return sorted(path.stem for path in MAPPINGS_DIR.glob("*.yaml"))


def mapping_for_source(source: str) -> Mapping:
    path = MAPPINGS_DIR / f"{source}.yaml"
    if source not in available_sources():
        raise MappingInvalid(
            [
                _("No mapping for the source “%(source)s”. Known sources: %(known)s.")
                % {"source": source, "known": ", ".join(available_sources())}
            ]
        )
    return mapping_from_text(path.read_text(encoding="utf-8"), source=source)


def mapping_from_text(text: str, *, source: str = "") -> Mapping:
    if len(text.encode()) > MAX_MAPPING_BYTES:
        raise MappingInvalid([_("The mapping file is too large.")])
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise MappingInvalid([_("The mapping is not valid YAML: %(e)s") % {"e": error}]) from None
    if not isinstance(data, dict):
        raise MappingInvalid([_("The mapping must be a YAML mapping (key: value lines).")])
    return mapping_from_dict(data, source=source)


def _column(name: str, spec: Any, problems: list[str]) -> Column | None:
    if isinstance(spec, str):
        spec = {"field": spec}
    if not isinstance(spec, dict) or spec.get("field") not in KNOWN_FIELDS:
        problems.append(
            _("Column “%(name)s”: say which field it fills (one of: %(fields)s).")
            % {"name": name, "fields": ", ".join(KNOWN_FIELDS)}
        )
        return None
    values = spec.get("values") or {}
    if not isinstance(values, dict):
        problems.append(
            _("Column “%(name)s”: “values” must map each value to a slug.") % {"name": name}
        )
        values = {}
    split = spec.get("split", ";" if spec["field"] in LIST_FIELDS else "")
    return Column(
        name=str(name),
        field=spec["field"],
        split=str(split or ""),
        values={fold(str(k)): (str(v) if v not in (None, "") else None) for k, v in values.items()},
    )


def mapping_from_dict(data: dict[str, Any], *, source: str = "") -> Mapping:
    problems: list[str] = []
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, dict) or not raw_columns:
        problems.append(_("The mapping names no columns (“columns:”)."))
        raw_columns = {}
    columns = [c for name, spec in raw_columns.items() if (c := _column(name, spec, problems))]
    required = tuple(data.get("required") or ("title",))
    mapped_fields = {c.field for c in columns}
    for name in required:
        if name not in mapped_fields:
            problems.append(_("“%(field)s” is required but no column fills it.") % {"field": name})
    provenance = data.get("provenance", Verification.PARTNER_REPORTED)
    if provenance not in PROVENANCES:
        problems.append(
            _("“provenance” must be one of: %(values)s.") % {"values": ", ".join(PROVENANCES)}
        )
    defaults = data.get("defaults") or {}
    unknown_defaults = sorted(set(defaults) - set(KNOWN_FIELDS) - {"contributor"})
    if unknown_defaults:
        problems.append(
            _("Defaults for unknown fields: %(names)s.") % {"names": ", ".join(unknown_defaults)}
        )
    file_options = data.get("file") or {}
    if problems:
        raise MappingInvalid(problems)
    return Mapping(
        source=str(data.get("source") or source),
        title=str(data.get("title") or source),
        organization=str(data.get("organization") or ""),
        provenance=provenance,
        language=str(data.get("language") or "en"),
        licence=str(data.get("licence") or ""),
        citation=str(data.get("citation") or ""),
        url=str(data.get("url") or ""),
        columns=tuple(columns),
        required=required,
        defaults=dict(defaults),
        ignore=tuple(str(name) for name in data.get("ignore") or ()),
        sheet=str(file_options.get("sheet") or ""),
        encoding=str(file_options.get("encoding") or ""),
        delimiter=str(file_options.get("delimiter") or ""),
        snapshot=data,
    )
