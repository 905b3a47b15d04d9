"""Entry data that is not an entry yet (survey drafts, import rows): check it, store it as JSON."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from ..models import Entry
from .entries import (
    SCALAR_FIELDS,
    EntryData,
    EntryInvalid,
    LinkData,
    _jsonable,
    _normalise,
    _resolve,
)

LIST_FIELDS = ("policy_areas", "target_groups", "economies", "organizations")
NULLABLE_FIELDS = {"start_year", "end_year", "budget_amount", "women_reached"}
FOREIGN_KEYS = (
    "contributor_type",
    "instrument_type",
    "gender_focus",
    "contributor_economy",
    "contributor_organization",
)


def entry_data_problems(data: EntryData) -> dict[str, list[str]]:
    """What would stop this data from becoming an entry, by field; writes nothing."""
    data = _normalise(data)
    try:
        resolved = _resolve(data)
    except EntryInvalid as error:
        return error.message_dict
    entry = Entry(slug="check", **{name: getattr(data, name) for name in SCALAR_FIELDS})
    for name in FOREIGN_KEYS:
        setattr(entry, name, resolved[name])
    try:
        entry.full_clean(exclude=["slug"], validate_unique=False)
    except ValidationError as error:
        return error.message_dict
    return {}


def entry_data_to_dict(data: EntryData) -> dict[str, Any]:
    """Plain JSON values, e.g. for drafts kept before they become entries."""
    return _jsonable(data)


def entry_data_from_dict(values: Mapping[str, Any]) -> EntryData:
    """The inverse of `entry_data_to_dict`, tolerant of missing and extra keys."""
    known = {f.name for f in dataclasses.fields(EntryData)}
    kwargs: dict[str, Any] = {
        "title": "",
        "contributor_type": "",
        "instrument_type": "",
        "policy_areas": (),
        "target_groups": (),
    }
    for name, value in values.items():
        if name not in known or (value is None and name not in NULLABLE_FIELDS):
            continue
        if name == "links":
            value = tuple(
                LinkData(**{k: v for k, v in link.items() if k in ("url", "label", "kind")})
                for link in value or []
            )
        elif name in LIST_FIELDS:
            value = tuple(value or ())
        elif name == "budget_amount" and value not in (None, ""):
            value = Decimal(str(value))
        kwargs[name] = value
    return EntryData(**kwargs)
