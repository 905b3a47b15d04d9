"""Between a policy's answers (keyed by question slug, as the form and the spreadsheet show them)
and a proposal's data (keyed by entry field, as the catalog applies it). The questionnaire's
`field` says which entry field each question fills; two need more than a copy: the web page is
the first website link among the entry's links, and the source document is kept as `source`."""

from __future__ import annotations

from typing import Any

from .questionnaire import Question, Section

WEBSITE = "website"


def _website_link(links: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((link for link in links if link.get("kind", WEBSITE) == WEBSITE), None)


def answer_of(question: Question, data: dict[str, Any]) -> Any:
    if question.field == "links":
        link = _website_link(list(data.get("links") or []))
        return link.get("url", "") if link else ""
    value = data.get(question.field)
    if question.kind in ("multichoice", "economies"):
        return list(value or [])
    if question.kind == "boolean":
        return bool(value)
    return "" if value is None and question.kind not in ("year", "integer") else value


def policy_answers(section: Section, data: dict[str, Any]) -> dict[str, Any]:
    return {question.slug: answer_of(question, data) for question in section.questions}


def policy_data(
    section: Section, answers: dict[str, Any], current: dict[str, Any]
) -> dict[str, Any]:
    """The proposal's data with these answers written in; fields the questionnaire does not ask
    about (e.g. implementing organisations, other links) are kept as they were."""
    data = dict(current)
    for question in section.questions:
        if question.slug not in answers:
            continue
        value = answers[question.slug]
        if question.field == "links":
            links = [dict(link) for link in data.get("links") or []]
            website = _website_link(links)
            if website is not None:
                links.remove(website)
            if value:
                label = website["label"] if website and website.get("url") == value else value
                links.insert(0, {"url": value, "label": str(label)[:300], "kind": WEBSITE})
            data["links"] = links
        else:
            data[question.field] = value
    return data


def _comparable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return sorted(str(v) for v in value)
    if value in ("", None, False):
        return None
    return str(value)


def answers_differ(section: Section, a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The questions whose answers differ between two proposals' data (order of lists aside)."""
    return [
        question.slug
        for question in section.questions
        if _comparable(answer_of(question, a)) != _comparable(answer_of(question, b))
    ]
