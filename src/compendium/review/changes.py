"""What a survey proposal would do to the catalog: the entry data it proposes, which fields differ
from the entry as recorded, and both sides in words (labels and names in the active language, not
slugs and codes). Reads only; `services` does the writing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from compendium.catalog.models import (
    ContributorType,
    Economy,
    Entry,
    EntryStatus,
    GenderFocus,
    InstrumentType,
    Organization,
    PolicyArea,
    TargetGroup,
)
from compendium.catalog.services import (
    EntryData,
    entry_data_from_dict,
    entry_data_of,
    entry_data_problems,
    entry_data_to_dict,
)
from compendium.surveys.models import Proposal, ProposalKind, Response
from compendium.surveys.questionnaire import policy_section
from compendium.surveys.services import respondent_defaults

ENTRY_FIELDS = tuple(f.name for f in dataclasses.fields(EntryData))
# Who contributes a survey's policy is the respondent, whatever the proposal's data says.
CONTRIBUTOR_FIELDS = ("contributor", "contributor_type")
TERM_MODELS = {
    "contributor_type": ContributorType,
    "instrument_type": InstrumentType,
    "gender_focus": GenderFocus,
    "policy_areas": PolicyArea,
    "target_groups": TargetGroup,
}
OTHER_LABELS = {
    "contributor": gettext_lazy("Contributor"),
    "links": gettext_lazy("Links"),
}


def proposable_fields(response: Response) -> tuple[str, ...]:
    """The entry fields the response's questionnaire asks about: the only ones a proposal can
    change (so a value a respondent was never asked about cannot slip in)."""
    section = policy_section(response.round.questionnaire.definition)
    if section is None:
        return tuple(f for f in ENTRY_FIELDS if f not in CONTRIBUTOR_FIELDS)
    asked = (q.field for q in section.questions if q.field in ENTRY_FIELDS)
    return tuple(dict.fromkeys(asked))


def proposed_data(proposal: Proposal, values: Mapping[str, Any] | None = None) -> EntryData:
    """The entry as it would be once the proposal (or the curator's edit of it, `values`) is
    applied: a new entry from the proposed fields, or the recorded entry with them written in."""
    values = proposal.data if values is None else values
    asked = {name: values[name] for name in proposable_fields(proposal.response) if name in values}
    if proposal.entry is None:
        return entry_data_from_dict({**asked, **respondent_defaults(proposal.response)})
    recorded = entry_data_to_dict(entry_data_of(proposal.entry))
    return entry_data_from_dict({**recorded, **asked})


def _comparable(name: str, value: Any) -> Any:
    """A value as the catalog will store it, so that order or spacing is not a change."""
    if name == "links":
        return tuple(
            (link.url.strip(), (link.label or link.url).strip(), link.kind) for link in value
        )
    if isinstance(value, tuple | list):
        return tuple(sorted({str(v).strip().upper() if name == "economies" else v for v in value}))
    if isinstance(value, str):
        return value.strip().upper() if name == "budget_currency" else value.strip()
    return value


def changed_fields(before: EntryData, after: EntryData, fields: Iterable[str]) -> list[str]:
    return [
        name
        for name in fields
        if _comparable(name, getattr(before, name)) != _comparable(name, getattr(after, name))
    ]


def field_label(name: str) -> str:
    if name in OTHER_LABELS:
        return str(OTHER_LABELS[name])
    try:
        return capfirst(str(Entry._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name


class Wording:
    """Values in words, each vocabulary read once (lazily) per page."""

    def __init__(self) -> None:
        self._terms: dict[str, dict[str, str]] = {}
        self._economies: dict[str, str] | None = None
        self._organizations: dict[str, str] | None = None

    def _term(self, name: str, slug: str) -> str:
        if name not in self._terms:
            self._terms[name] = {t.slug: t.label for t in TERM_MODELS[name].objects.all()}
        return self._terms[name].get(slug, slug)

    def _economy(self, code: str) -> str:
        if self._economies is None:
            self._economies = {e.code: e.name for e in Economy.objects.all()}
        return self._economies.get(code, code)

    def _organization(self, slug: str) -> str:
        if self._organizations is None:
            self._organizations = {o.slug: o.name for o in Organization.objects.all()}
        return self._organizations.get(slug, slug)

    def of(self, name: str, value: Any) -> str:
        """ "" when there is nothing to show."""
        if value in (None, "", (), []):
            return ""
        if name in TERM_MODELS:
            values = [value] if isinstance(value, str) else value
            return ", ".join(self._term(name, v) for v in values)
        if name == "economies":
            return ", ".join(self._economy(code) for code in value)
        if name == "organizations":
            return ", ".join(self._organization(slug) for slug in value)
        if name == "contributor":
            return self._economy(value) if value.isupper() else self._organization(value)
        if name == "status":
            return str(EntryStatus(value).label) if value in EntryStatus.values else str(value)
        if name == "language":
            try:
                return str(get_language_info(value)["name_translated"])
            except KeyError:
                return str(value)
        if name == "links":
            return "; ".join(
                f"{link.label} ({link.url})" if link.label and link.label != link.url else link.url
                for link in value
            )
        return str(value)


@dataclass(frozen=True)
class FieldRow:
    """One field of a proposal beside the recorded entry's: `old` and `new` in words."""

    name: str
    label: str
    old: str
    new: str
    changed: bool


@dataclass(frozen=True)
class Comparison:
    rows: list[FieldRow]
    problems: list[tuple[str, list[str]]]  # (field label, messages)
    data: EntryData | None  # what accepting would write (None: a confirmation or withdrawal)

    @property
    def changed(self) -> list[FieldRow]:
        return [row for row in self.rows if row.changed]

    @property
    def unchanged(self) -> list[FieldRow]:
        return [row for row in self.rows if not row.changed]


def _rows(
    before: EntryData | None, after: EntryData, fields: Iterable[str], wording: Wording
) -> list[FieldRow]:
    changed = set(changed_fields(before, after, fields)) if before is not None else set()
    return [
        FieldRow(
            name=name,
            label=field_label(name),
            old=wording.of(name, getattr(before, name)) if before is not None else "",
            new=wording.of(name, getattr(after, name)),
            changed=name in changed or before is None,
        )
        for name in fields
    ]


def _problems(data: EntryData) -> list[tuple[str, list[str]]]:
    return [
        (field_label(name) if name != "__all__" else _("Whole entry"), [str(m) for m in messages])
        for name, messages in entry_data_problems(data).items()
    ]


def comparison(proposal: Proposal, values: Mapping[str, Any] | None = None) -> Comparison:
    """The proposal field by field against the entry as recorded now: every field of a new
    entry; for a correction, old and new value of each field (the changed ones marked); for a
    confirmation or a withdrawal, the entry as recorded."""
    wording = Wording()
    fields = proposable_fields(proposal.response)
    if proposal.kind == ProposalKind.NEW:
        data = proposed_data(proposal, values)
        rows = _rows(None, data, (*CONTRIBUTOR_FIELDS, *fields), wording)
        return Comparison(rows=rows, problems=_problems(data), data=data)
    recorded = entry_data_of(proposal.entry)
    if proposal.kind == ProposalKind.UPDATE:
        data = proposed_data(proposal, values)
        return Comparison(
            rows=_rows(recorded, data, fields, wording), problems=_problems(data), data=data
        )
    rows = [
        FieldRow(name, field_label(name), wording.of(name, getattr(recorded, name)), "", False)
        for name in (*CONTRIBUTOR_FIELDS, *fields)
    ]
    return Comparison(rows=rows, problems=[], data=None)


def curator_edits(proposal: Proposal) -> list[str]:
    """The labels of the fields a curator changed before accepting (from `accepted_data`)."""
    if not proposal.accepted_data or proposal.kind not in (ProposalKind.NEW, ProposalKind.UPDATE):
        return []
    accepted = entry_data_from_dict(proposal.accepted_data)
    proposed = proposed_data(proposal)
    return [
        field_label(name)
        for name in changed_fields(proposed, accepted, proposable_fields(proposal.response))
    ]
