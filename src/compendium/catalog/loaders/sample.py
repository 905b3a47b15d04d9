"""The illustrative sample: 60 real, publicly documented initiatives, loaded as published."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from ..models import Entry, PolicyArea, SourceKind, Verification, Workflow
from ..services import (
    EntryData,
    EntryInvalid,
    Outcome,
    SourceData,
    entry_create,
    entry_update,
    source_add,
)
from .files import DATA_DIR, DataProblem, LoadAborted, LoadReport, read_json
from .reference import SLUG

ACTOR = "load_sample"
SAMPLE_NOTE = "Illustrative sample compiled from public sources; not an official compendium entry."
REQUIRED = {
    "id": str,
    "title": str,
    "economies": list,
    "organizations": list,
    "contributor_type": str,
    "instrument_type": str,
    "policy_areas": list,
    "target_groups": list,
    "status": str,
    "description": str,
    "source_url": str,
    "source_title": str,
}
OPTIONAL = {
    "organization_as_reported": str,
    "contributor": str,
    "gender_focus": str,
    "language": str,
    "start_year": (int, type(None)),
    "end_year": (int, type(None)),
}


def _check_shape(items: Any, name: str) -> list[DataProblem]:
    if not isinstance(items, list):
        return [DataProblem(name, None, "", "expected a list of entries")]
    problems, seen = [], set()
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(DataProblem(name, number, "", "expected an object"))
            continue
        for key, kind in (REQUIRED | OPTIONAL).items():
            if key not in item:
                if key in REQUIRED:
                    problems.append(DataProblem(name, number, key, "missing field"))
            elif not isinstance(item[key], kind) or isinstance(item[key], bool):
                problems.append(DataProblem(name, number, key, "wrong type of value"))
        slug = item.get("id")
        if isinstance(slug, str):
            if not SLUG.match(slug):
                problems.append(DataProblem(name, number, "id", f"invalid id {slug!r}"))
            elif slug in seen:
                problems.append(DataProblem(name, number, "id", f"duplicate id {slug!r}"))
            seen.add(slug)
    return problems


def _entry_data(item: dict[str, Any]) -> EntryData:
    return EntryData(
        title=item["title"],
        description=item["description"],
        language=item.get("language", "en"),
        economies=tuple(item["economies"]),
        organizations=tuple(item["organizations"]),
        implementers_as_reported=item.get("organization_as_reported", ""),
        contributor=item.get("contributor", ""),
        contributor_type=item["contributor_type"],
        instrument_type=item["instrument_type"],
        policy_areas=tuple(item["policy_areas"]),
        target_groups=tuple(item["target_groups"]),
        gender_focus=item.get("gender_focus", "not_assessed"),
        start_year=item.get("start_year"),
        end_year=item.get("end_year"),
        status=item["status"],
    )


def _source(item: dict[str, Any]) -> SourceData:
    return SourceData(
        kind=SourceKind.PUBLIC_WEB,
        title=item["source_title"],
        url=item["source_url"],
        note=SAMPLE_NOTE,
    )


def _load_one(item: dict[str, Any]) -> Outcome:
    data, source = _entry_data(item), _source(item)
    entry = Entry.objects.filter(slug=item["id"]).first()
    if entry is None:
        entry_create(
            actor=None,
            actor_label=ACTOR,
            data=data,
            slug=item["id"],
            workflow=Workflow.PUBLISHED,
            verification=Verification.SECRETARIAT_COMPILED,
            is_sample=True,
            sources=[source],
            note=SAMPLE_NOTE,
        )
        return Outcome.CREATED
    version = entry.version
    entry = entry_update(
        entry=entry,
        actor=None,
        actor_label=ACTOR,
        note=SAMPLE_NOTE,
        changes={name: getattr(data, name) for name in data.__dataclass_fields__},
    )
    if not entry.sources.filter(url=source.url).exists():
        source_add(entry=entry, actor=None, actor_label=ACTOR, data=source, note=SAMPLE_NOTE)
    entry.refresh_from_db(fields=["version"])
    return Outcome.UNCHANGED if entry.version == version else Outcome.UPDATED


def sample_load(*, path: Path = DATA_DIR / "sample_initiatives.json") -> LoadReport:
    name = path.name
    items = read_json(path)
    problems = _check_shape(items, name)
    if problems:
        raise LoadAborted(problems)
    if not PolicyArea.objects.exists():
        raise LoadAborted(
            [
                DataProblem(
                    name,
                    None,
                    "",
                    "the reference data is not loaded yet: run `compendium load_reference` first",
                )
            ]
        )
    report = LoadReport()
    with transaction.atomic():
        for number, item in enumerate(items, start=1):
            try:
                with transaction.atomic():
                    report.add("sample entries", _load_one(item))
            except EntryInvalid as error:
                problems += [
                    DataProblem(name, number, field, message)
                    for field, messages in error.message_dict.items()
                    for message in messages
                ]
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise LoadAborted(problems)
    return report
