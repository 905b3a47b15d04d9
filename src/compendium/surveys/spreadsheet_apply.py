"""Saving an uploaded workbook as draft changes, and showing them next to what is recorded.

The upload goes through the same services as the web form (`response_save_answers`,
`proposal_save`, `proposal_add`), so every change is logged with who made it; it is read and
saved inside one transaction holding the response's row, so it is all or nothing and no other
save slips in between the checks and the writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from . import selectors
from .answers import answers_differ, policy_answers
from .forms import ChoiceBook
from .models import Proposal, ProposalKind, Response
from .questionnaire import Question, general_sections, policy_section
from .services import (
    ResponseLocked,
    Who,
    proposal_add,
    proposal_save,
    response_lock_for_edit,
    response_save_answers,
)
from .spreadsheet_read import Upload, read_upload
from .summary import policy_title


@dataclass
class Applied:
    """What an upload changed, kept (in the session) for the side-by-side page."""

    response_id: int
    answers_before: dict[str, Any] = field(default_factory=dict)
    proposal_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "response": self.response_id,
            "answers": self.answers_before,
            "proposals": self.proposal_ids,
            "warnings": self.warnings,
        }

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> Applied:
        return cls(
            response_id=int(stored.get("response") or 0),
            answers_before=dict(stored.get("answers") or {}),
            proposal_ids=[int(pk) for pk in stored.get("proposals") or []],
            warnings=[str(w) for w in stored.get("warnings") or []],
        )


@transaction.atomic
def spreadsheet_upload(*, response: Response, who: Who, data: bytes) -> Applied:
    """Read the workbook and save what it changes, or raise `UploadRefused` (nothing saved) or
    `ResponseLocked` (a submitted response)."""
    current = response_lock_for_edit(response, None)  # locks the response's row until the end
    upload = read_upload(data, response=current)
    return _apply(current, who, upload)


def _apply(response: Response, who: Who, upload: Upload) -> Applied:
    if response.is_locked:
        raise ResponseLocked
    applied = Applied(response_id=response.pk, warnings=upload.warnings)
    if upload.answers:
        applied.answers_before = {slug: response.answers.get(slug) for slug in upload.answers}
        response_save_answers(response=response, who=who, answers=upload.answers)
    for change in upload.policies:
        if change.proposal is None:
            proposal = proposal_add(response=response, who=who, data=change.data or {})
        else:
            proposal = proposal_save(
                proposal=change.proposal,
                who=who,
                kind=change.kind,
                data=change.data,
                reason=change.reason,
                expected_version=change.version,
            )
        applied.proposal_ids.append(proposal.pk)
    return applied


# --- side by side --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    recorded: str
    uploaded: str


@dataclass
class PolicyComparison:
    proposal: Proposal
    title: str
    kind_label: str
    is_new: bool
    reason: str
    fields: list[FieldChange]


@dataclass
class Comparison:
    answers: list[FieldChange]
    policies: list[PolicyComparison]
    warnings: list[str]

    @property
    def is_empty(self) -> bool:
        return not self.answers and not self.policies


def _general_questions(response: Response) -> dict[str, Question]:
    definition = response.round.questionnaire.definition
    return {q.slug: q for s in general_sections(definition) for q in s.questions}


def comparison(response: Response, applied: Applied) -> Comparison:
    """Each changed answer before and after the upload; each changed policy's fields as
    recorded in the compendium and as uploaded (a new policy: everything it says)."""
    book = ChoiceBook()
    questions = _general_questions(response)
    answers = [
        FieldChange(
            label=questions[slug].label_text,
            recorded=book.display(questions[slug], before),
            uploaded=book.display(questions[slug], response.answers.get(slug)),
        )
        for slug, before in applied.answers_before.items()
        if slug in questions
    ]
    section = policy_section(response.round.questionnaire.definition)
    policies = []
    proposals = selectors.proposals_of(response=response).filter(pk__in=applied.proposal_ids)
    for proposal in proposals if section else []:
        recorded = selectors.recorded_values(proposal=proposal)
        sent = proposal.kind in (ProposalKind.NEW, ProposalKind.UPDATE)
        changed = answers_differ(section, proposal.data, recorded) if sent else []
        shown_recorded = policy_answers(section, recorded)
        shown_uploaded = policy_answers(section, proposal.data)
        policies.append(
            PolicyComparison(
                proposal=proposal,
                title=policy_title(proposal),
                kind_label=proposal.get_kind_display(),
                is_new=proposal.entry_id is None,
                reason=proposal.reason if proposal.kind == ProposalKind.WITHDRAW else "",
                fields=[
                    FieldChange(
                        label=q.label_text,
                        recorded=book.display(q, shown_recorded.get(q.slug)),
                        uploaded=book.display(q, shown_uploaded.get(q.slug)),
                    )
                    for q in section.questions
                    if q.slug in changed
                ],
            )
        )
    return Comparison(answers=answers, policies=policies, warnings=applied.warnings)
