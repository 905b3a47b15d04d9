"""Where a response stands and what it says, in words: the task list's states, the "check your
answers" lists and the receipt all read from here, so they never disagree."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .answers import answers_differ, policy_answers
from .forms import ChoiceBook
from .models import Proposal, ProposalKind, Response, ResponseChange
from .questionnaire import Question, Section, clean_answers, sections_of
from .services import Problem, proposal_problems, respondent_defaults

NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"
STATE_LABELS = {
    NOT_STARTED: gettext_lazy("Not started"),
    IN_PROGRESS: gettext_lazy("In progress"),
    COMPLETED: gettext_lazy("Completed"),
}


def anchor_for(question: Question) -> str:
    """The id of a question's input on its page (the first option of a group of choices)."""
    grouped = question.kind in ("choice", "multichoice")
    return f"id_{question.slug}_0" if grouped else f"id_{question.slug}"


def section_url(section: Section) -> str:
    if section.repeatable:
        return reverse("surveys:policies")
    return reverse("surveys:section", kwargs={"slug": section.slug})


def section_state(section: Section, answers: dict[str, Any], book: ChoiceBook) -> str:
    """Completed once every required question has a valid answer (a section with none required:
    once anything is answered); in progress when something is answered; else not started."""
    answered = any(answers.get(q.slug) not in (None, "", [], False) for q in section.questions)
    if not answered:
        return NOT_STARTED
    choices = {
        q.slug: book.values(q)
        for q in section.questions
        if q.kind in ("choice", "multichoice", "economies")
    }
    _cleaned, errors = clean_answers(section.questions, answers, choices, complete=True)
    return IN_PROGRESS if errors else COMPLETED


@dataclass
class PolicyCounts:
    to_review: int = 0
    confirmed: int = 0
    corrected: int = 0
    withdrawn: int = 0
    new: int = 0
    with_problems: int = 0

    @property
    def total(self) -> int:
        return self.to_review + self.confirmed + self.corrected + self.withdrawn + self.new

    @property
    def state(self) -> str:
        if self.total == 0 or self.total == self.to_review:
            return NOT_STARTED
        if self.to_review or self.with_problems:
            return IN_PROGRESS
        return COMPLETED


def policy_counts(response: Response, proposals: list[Proposal]) -> PolicyCounts:
    kinds = Counter(p.kind for p in proposals)
    defaults = respondent_defaults(response)
    return PolicyCounts(
        to_review=kinds[ProposalKind.REVIEW],
        confirmed=kinds[ProposalKind.CONFIRM],
        corrected=kinds[ProposalKind.UPDATE],
        withdrawn=kinds[ProposalKind.WITHDRAW],
        new=kinds[ProposalKind.NEW],
        with_problems=sum(bool(proposal_problems(p, defaults)) for p in proposals),
    )


@dataclass
class Task:
    section: Section
    url: str
    state: str
    counts: PolicyCounts | None = None

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def tasks(response: Response, proposals: list[Proposal], book: ChoiceBook) -> list[Task]:
    """The questionnaire's sections in order, each with its state."""
    result = []
    for section in sections_of(response.round.questionnaire.definition):
        if section.repeatable:
            counts = policy_counts(response, proposals)
            result.append(Task(section, section_url(section), counts.state, counts))
        else:
            state = section_state(section, response.answers, book)
            result.append(Task(section, section_url(section), state))
    return result


# --- check your answers --------------------------------------------------------------------------


@dataclass
class AnswerRow:
    label: str
    value: str
    href: str = ""
    recorded: str | None = None  # for a correction: what the catalog holds


@dataclass
class SectionSummary:
    section: Section
    rows: list[AnswerRow]


@dataclass
class PolicySummary:
    proposal: Proposal
    title: str
    rows: list[AnswerRow] = field(default_factory=list)
    href: str = ""

    @property
    def kind(self) -> str:
        return self.proposal.kind


def policy_title(proposal: Proposal) -> str:
    title = str(proposal.data.get("title") or "").strip()
    if title:
        return title
    if proposal.entry is not None:
        return proposal.entry.display_title
    return _("Untitled policy")


def short_label(question: Question) -> str:
    """A question's label to put before a message ("…, with its source.: " reads badly)."""
    return question.label_text.rstrip(" .:")


def general_summaries(response: Response, book: ChoiceBook) -> list[SectionSummary]:
    """Every section in the questionnaire's order; the policies' place is kept (no rows)."""
    summaries = []
    for section in sections_of(response.round.questionnaire.definition):
        if section.repeatable:
            summaries.append(SectionSummary(section, []))
            continue
        url = section_url(section)
        rows = [
            AnswerRow(
                label=q.label_text,
                value=book.display(q, response.answers.get(q.slug)),
                href=f"{url}#{anchor_for(q)}",
            )
            for q in section.questions
        ]
        summaries.append(SectionSummary(section, rows))
    return summaries


def policy_summaries(
    section: Section, proposals: list[Proposal], book: ChoiceBook
) -> list[PolicySummary]:
    """Every policy with what will be sent about it: all answers of a new one, the changed
    answers of a correction (with the recorded value), nothing more for the other decisions."""
    summaries = []
    for proposal in proposals:
        url = reverse("surveys:policy", kwargs={"pk": proposal.pk})
        summary = PolicySummary(proposal, policy_title(proposal), href=url)
        answers = policy_answers(section, proposal.data)
        by_slug = {q.slug: q for q in section.questions}
        if proposal.kind == ProposalKind.NEW:
            slugs = [q.slug for q in section.questions]
            recorded = None
        elif proposal.kind == ProposalKind.UPDATE:
            recorded_data = selectors.recorded_values(proposal=proposal)
            slugs = answers_differ(section, proposal.data, recorded_data)
            recorded = policy_answers(section, recorded_data)
        else:
            slugs, recorded = [], None
        for slug in slugs:
            question = by_slug[slug]
            summary.rows.append(
                AnswerRow(
                    label=question.label_text,
                    value=book.display(question, answers.get(slug)),
                    href=f"{url}#{anchor_for(question)}",
                    recorded=None if recorded is None else book.display(question, recorded[slug]),
                )
            )
        summaries.append(summary)
    return summaries


# --- problems, as links to where they are ---------------------------------------------------------


@dataclass(frozen=True)
class ProblemLink:
    text: str
    href: str


def problem_links(
    response: Response, problems: list[Problem], proposals: list[Proposal]
) -> list[ProblemLink]:
    """Each problem of a submission as a message and a link to the very field to fix."""
    sections = {s.slug: s for s in sections_of(response.round.questionnaire.definition)}
    policy = next((s for s in sections.values() if s.repeatable), None)
    titles = {p.pk: policy_title(p) for p in proposals}
    links = []
    for problem in problems:
        kind, _sep, ident = problem.where.partition(":")
        if kind == "general" and ident in sections:
            section = sections[ident]
            question = next((q for q in section.questions if q.slug == problem.field), None)
            label = short_label(question) if question else section.title_text
            href = reverse("surveys:section", kwargs={"slug": ident}) + "?check=1"
            href += f"#{anchor_for(question)}" if question else ""
            links.append(ProblemLink(f"{section.title_text} – {label}: {problem.message}", href))
        elif kind == "proposal" and ident.isdigit():
            question = _policy_question(policy, problem.field)
            href = reverse("surveys:policy", kwargs={"pk": int(ident)}) + "?check=1"
            if problem.field == "reason":
                href, label = href + "#id_reason", _("Reason for withdrawing it")
            elif question is not None:
                href, label = href + f"#{anchor_for(question)}", short_label(question)
            else:
                label = _("Policy")
            title = titles.get(int(ident), "")
            links.append(ProblemLink(f"{title} – {label}: {problem.message}", href))
    return links


def _policy_question(section: Section | None, entry_field: str) -> Question | None:
    if section is None:
        return None
    return next((q for q in section.questions if q.field == entry_field), None)


def policy_field_problems(
    section: Section, proposal: Proposal, response: Response
) -> dict[str, list[str]]:
    """A policy's problems as the submission will see them, keyed by question slug ("" for
    problems no single question can fix, "reason" for a withdrawal's reason)."""
    keyed: dict[str, list[str]] = {}
    for entry_field, messages in proposal_problems(proposal, respondent_defaults(response)).items():
        question = _policy_question(section, entry_field)
        key = entry_field if entry_field == "reason" else (question.slug if question else "")
        keyed.setdefault(key, []).extend(str(m) for m in messages)
    return keyed


# --- who changed what ----------------------------------------------------------------------------

CHANGE_ACTIONS = {
    "answers.save": gettext_lazy("changed answers"),
    "proposal.add": gettext_lazy("added a policy"),
    "proposal.save": gettext_lazy("changed a policy"),
    "proposal.delete": gettext_lazy("deleted a policy"),
    "response.submit": gettext_lazy("submitted the response"),
}


@dataclass(frozen=True)
class ChangeLine:
    change: ResponseChange
    action: str
    subject: str
    fields: list[str]


def change_lines(response: Response, changes: list[ResponseChange]) -> list[ChangeLine]:
    """Each change in words: who did what to which policy, and to which questions."""
    labels: dict[str, str] = {"kind": _("decision"), "reason": _("reason")}
    for section in sections_of(response.round.questionnaire.definition):
        for question in section.questions:
            labels.setdefault(question.slug, question.label_text)
            if section.repeatable:
                labels.setdefault(question.field, question.label_text)
    lines = []
    for change in changes:
        subject = ""
        if change.action == "proposal.delete":
            subject = ", ".join(change.fields)
        elif change.proposal is not None:
            subject = policy_title(change.proposal)
        fields = [] if change.action == "proposal.delete" else change.fields
        lines.append(
            ChangeLine(
                change=change,
                action=str(CHANGE_ACTIONS.get(change.action, change.action)),
                subject=subject,
                fields=[labels.get(f, f) for f in fields],
            )
        )
    return lines
