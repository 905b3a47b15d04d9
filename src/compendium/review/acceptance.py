"""What accepting a survey proposal writes to the catalog, one function per kind of proposal.
Called only by `services.proposal_accept`, inside its transaction, after its checks; every
write goes through the catalog's own services (history, audit, search index)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from compendium.catalog.models import Entry, SourceKind, Verification, Workflow
from compendium.catalog.services import (
    EntryData,
    SourceData,
    entry_create,
    entry_data_of,
    entry_set_verification,
    entry_transition,
    entry_update,
    source_add,
)
from compendium.surveys.models import Proposal, Response

from .changes import changed_fields, proposable_fields, proposed_data

# How sure the catalog is of an entry, weakest first: a confirmation may raise it, never lower it.
VERIFICATION_STRENGTH = {
    Verification.SECRETARIAT_COMPILED: 0,
    Verification.PARTNER_REPORTED: 1,
    Verification.SUBMITTED_BY_MEMBER: 2,
    Verification.MEMBER_VALIDATED: 3,
}


def _survey_source(response: Response, fields: Sequence[str] = (), url: str = "") -> SourceData:
    return SourceData(
        kind=SourceKind.SURVEY_RESPONSE,
        title=f"Survey response {response.reference}",
        economy=response.economy.code if response.economy_id else "",
        organization=response.organization.slug if response.organization_id else "",
        reference=response.reference,
        fields=tuple(fields),
        url=url if url.startswith(("https://", "http://")) else "",
    )


def _cited_document(values: Mapping[str, Any]) -> str:
    """The document the respondent cited as their source (the questionnaire's `source`)."""
    cited = values.get("source")
    return cited.strip() if isinstance(cited, str) else ""


def accept_new(
    proposal: Proposal,
    curator: AbstractBaseUser,
    values: Mapping[str, Any],
    note: str,
    publish: bool,
) -> tuple[Entry, EntryData]:
    """Approved first, then published if the curator says so: both moves are recorded."""
    data = proposed_data(proposal, values)
    entry = entry_create(
        actor=curator,
        data=data,
        workflow=Workflow.APPROVED,
        verification=Verification.SUBMITTED_BY_MEMBER,
        sources=[_survey_source(proposal.response, url=_cited_document(values))],
        note=note,
    )
    if publish:
        entry = entry_transition(entry=entry, actor=curator, to=Workflow.PUBLISHED, note=note)
    return entry, data


def accept_update(
    proposal: Proposal,
    curator: AbstractBaseUser,
    values: Mapping[str, Any],
    note: str,
    expected_entry_version: int | None,
) -> tuple[Entry, EntryData, list[str]]:
    entry = proposal.entry
    before = entry_data_of(entry)
    data = proposed_data(proposal, values)
    changed = changed_fields(before, data, proposable_fields(proposal.response))
    if changed:
        entry = entry_update(
            entry=entry,
            actor=curator,
            changes={name: getattr(data, name) for name in changed},
            note=note,
            expected_version=expected_entry_version,
        )
    verification = (
        Verification.MEMBER_VALIDATED
        if _validated_by_member(proposal, entry)
        else Verification.SUBMITTED_BY_MEMBER
    )
    entry = entry_set_verification(entry=entry, actor=curator, verification=verification, note=note)
    source = _survey_source(proposal.response, changed, url=_cited_document(values))
    source_add(entry=entry, actor=curator, data=source, note=note)
    return entry, data, changed


def _about_respondent(entry: Entry, response: Response) -> bool:
    """A Member (or Observer) confirming what is recorded about itself."""
    if not response.economy_id:
        return False
    return entry.contributor_economy_id == response.economy_id or (
        entry.economies.filter(pk=response.economy_id).exists()
    )


def _validated_by_member(proposal: Proposal, entry: Entry) -> bool:
    """The Member's own correction of an entry about itself, sent in answer to the secretariat's
    request that it validate the entry (`imports.validation`): once accepted, the Member vouches
    for the entry as corrected."""
    return proposal.validation_items.exists() and _about_respondent(entry, proposal.response)


def accept_confirmation(proposal: Proposal, curator: AbstractBaseUser, note: str) -> Entry:
    entry = proposal.entry
    confirmed = (
        Verification.MEMBER_VALIDATED
        if _about_respondent(entry, proposal.response)
        else Verification.SUBMITTED_BY_MEMBER
    )
    # A confirmation never lowers what is already established (e.g. a Member's own validation).
    if VERIFICATION_STRENGTH[confirmed] > VERIFICATION_STRENGTH.get(entry.verification, 0):
        entry = entry_set_verification(
            entry=entry, actor=curator, verification=confirmed, note=note
        )
    source_add(entry=entry, actor=curator, data=_survey_source(proposal.response), note=note)
    return entry


def accept_withdrawal(proposal: Proposal, curator: AbstractBaseUser, note: str) -> Entry:
    entry = proposal.entry
    if entry.workflow == Workflow.WITHDRAWN:
        return entry
    why = proposal.reason.strip()
    if note:
        why = f"{why}\n\n{note}" if why else note
    return entry_transition(entry=entry, actor=curator, to=Workflow.WITHDRAWN, note=why)
