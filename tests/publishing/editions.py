"""Entries and editions for the editions' tests, written through the services."""

from __future__ import annotations

from datetime import date

from compendium.catalog.models import Entry, Workflow
from compendium.catalog.services import SourceData, entry_create
from compendium.publishing import services
from compendium.publishing.models import Edition, EditionKind
from tests.factories import EntryDataFactory

SYMBOLS = "INF/TGE/W/90 – INF/MSME/W/91"
ARABIC_TITLE = "برنامج التجارة الرقمية للنساء"
CHINESE_TITLE = "女性跨境电子商务培训计划"
CYRILLIC_TITLE = "Программа цифровой торговли для женщин"
SOURCE = SourceData(kind="public_web", title="Ministry web page", url="https://example.org/p")


def entry(
    title: str,
    *,
    workflow: str = Workflow.APPROVED,
    sources: tuple[SourceData, ...] = (SOURCE,),
    **fields,
) -> Entry:
    return entry_create(
        actor=None,
        actor_label="tests",
        data=EntryDataFactory(title=title, **fields),
        workflow=workflow,
        sources=sources,
    )


def small_set() -> list[Entry]:
    """Members, an observer, an organisation, and titles in three other scripts."""
    return [
        entry("Zambezi women exporters online", economies=("KEN",)),
        entry("Aurora digital skills for women", economies=("CAN",)),
        entry(CYRILLIC_TITLE, economies=("RUS",)),
        entry(ARABIC_TITLE, economies=("EGY",)),
        entry(CHINESE_TITLE, economies=("CHN",)),
        entry(
            "Algeria women e-payments pilot",
            economies=("DZA",),
            contributor_type="observer",
        ),
        entry(
            "SheTrades digital outreach",
            economies=(),
            contributor="itc",
            contributor_type="international_organization",
            organizations=("itc",),
        ),
    ]


def edition(
    *, symbols: str = SYMBOLS, kind: str = EditionKind.DRAFT, title: str = "Test compendium"
) -> Edition:
    return services.edition_create(
        actor=None,
        actor_label="tests",
        symbols=symbols,
        title=title,
        kind=kind,
        on=date(2026, 5, 4),
    )


def frozen(entries: list[Entry], **kwargs) -> Edition:
    made = edition(**kwargs)
    return services.edition_freeze(edition=made, actor=None, actor_label="tests", entries=entries)
