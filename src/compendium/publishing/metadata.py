"""What the open data says about itself: the codebook of its columns and the dataset's title,
publisher, licence and citation. Both are data files under `data/`, read once per process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils import translation

from compendium.catalog import selectors
from compendium.catalog.models import EntryStatus, Verification

DATA_DIR = Path(__file__).resolve().parent / "data"
CODEBOOK_FILE = DATA_DIR / "codebook.yaml"
DATASET_FILE = DATA_DIR / "dataset.yaml"
CHOICE_VOCABULARIES = {"entry_status": EntryStatus, "verification": Verification}


@cache
def _codebook_file() -> list[dict[str, Any]]:
    return yaml.safe_load(CODEBOOK_FILE.read_text(encoding="utf-8"))["columns"]


@cache
def _dataset_file() -> dict[str, Any]:
    return yaml.safe_load(DATASET_FILE.read_text(encoding="utf-8"))


def _in(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts["en"]


@dataclass(frozen=True)
class CodebookColumn:
    name: str
    type: str
    is_list: bool
    description: str
    vocabulary: str  # "" for free columns
    values: tuple[tuple[str, str], ...]  # (code, label in the language), for coded columns


def codebook_column_names() -> list[str]:
    return [column["name"] for column in _codebook_file()]


def column_types() -> dict[str, str]:
    return {column["name"]: column["type"] for column in _codebook_file()}


def _vocabulary_values(language: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """Allowed codes of every vocabulary with their labels: one query per taxonomy table."""
    values = {
        name: tuple((term.slug, term.label) for term in terms)
        for name, terms in selectors.vocabularies().items()
    }
    values |= {
        name: tuple((value, str(label)) for value, label in choices.choices)
        for name, choices in CHOICE_VOCABULARIES.items()
    }
    return values


def codebook(*, language: str) -> list[CodebookColumn]:
    """The columns of the exports, described in `language`, with the allowed codes."""
    with translation.override(language):
        vocabularies = _vocabulary_values(language)
        return [
            CodebookColumn(
                name=column["name"],
                type=column["type"],
                is_list=bool(column.get("list")),
                description=_in(column["description"], language),
                vocabulary=column.get("values", ""),
                values=vocabularies.get(column.get("values", ""), ()),
            )
            for column in _codebook_file()
        ]


@dataclass(frozen=True)
class Dataset:
    title: str
    publisher: str
    licence_name: str
    licence_url: str
    licence_summary: str
    licence_is_placeholder: bool
    citation: str


def dataset(*, language: str, url: str, on: date | None = None) -> Dataset:
    """The dataset's description in `language`; `url` is where it is downloaded (the /data/ page)
    and `on` the day of the download, both for the citation."""
    data, on = _dataset_file(), on or date.today()
    title, publisher = _in(data["title"], language), _in(data["publisher"], language)
    licence = data["licence"]
    return Dataset(
        title=title,
        publisher=publisher,
        licence_name=licence["name"],
        licence_url=licence.get("url", ""),
        licence_summary=_in(licence.get("summary", {"en": ""}), language),
        licence_is_placeholder=bool(licence.get("placeholder")),
        citation=_in(data["citation"], language).format(
            publisher=publisher, title=title, url=url, year=on.year, date=on.isoformat()
        ),
    )


def data_page_url() -> str:
    """The address of the /data/ page (in the active language), for citations."""
    from django.urls import reverse

    return settings.SITE_URL + reverse("publishing:data")
