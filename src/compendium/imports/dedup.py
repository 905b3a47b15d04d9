"""Finding what an import brings twice: each row against the catalog's entries and against the
batch's other rows. Candidates share an economy (or, for programmes without one, share having
none); their titles and descriptions are compared with rapidfuzz, and a shared web address
counts on its own. Each candidate carries a score (0-100) and the reasons behind it.

Titles that share only common words ("digital", "programme", "women") but differ in the words
that name the programme ("Ajira", "SheTrades") are different programmes: a pair is kept only if
the rare words of one title appear in the other, rarity being counted over the titles compared.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from compendium.catalog.models import Entry, EntryLink, Workflow

from .text import fold

CANDIDATE_SCORE = 75  # shown to the curator
LIKELY_SCORE = 88  # said to be a likely duplicate
TITLE_PREFILTER = 60
DESCRIPTION_ALONE = 90  # a description this close is a candidate whatever the title
DESCRIPTION_CHARS = 300
MAX_CANDIDATES = 5
# A web address shared by more records than this is a partner's home page, not a programme's.
SHARED_URL_LIMIT = 3
RARE_SHARE = 0.002  # a word in fewer than this share of the titles names something
RARE_AT_LEAST = 3
SAME_WORD = 85  # two words this alike are one word written differently


def _sorted_words(text: str) -> str:
    # What token_sort_ratio compares, computed once per record instead of once per pair.
    return " ".join(sorted(text.split()))


@dataclass
class Record:
    """An entry or a row, as the matcher sees it."""

    key: Any  # entry id, or row number
    title: str
    description: str
    economies: tuple[str, ...]
    urls: tuple[str, ...]
    title_words: str = field(init=False)
    description_words: str = field(init=False)
    words: frozenset[str] = field(init=False)
    url_keys: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        folded = fold(self.title)
        self.words = frozenset(folded.split())
        self.title_words = _sorted_words(folded)
        self.description_words = _sorted_words(fold(self.description[:DESCRIPTION_CHARS]))
        self.url_keys = frozenset(key for url in self.urls if (key := url_key(url)))


def url_key(url: str) -> str:
    bare = url.strip().lower().split("://", 1)[-1].removeprefix("www.").rstrip("/")
    return bare if "/" in bare else ""  # a bare domain says nothing about the programme


@dataclass(frozen=True)
class Match:
    key: Any
    score: int
    reasons: tuple[str, ...]


def _blocks(records: Iterable[Record]) -> dict[str, list[Record]]:
    blocks: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        for code in record.economies or ("",):
            blocks[code].append(record)
    return blocks


def _url_index(records: Iterable[Record]) -> dict[str, list[Record]]:
    index: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        for key in record.url_keys:
            index[key].append(record)
    return {key: found for key, found in index.items() if len(found) <= SHARED_URL_LIMIT}


def _has_word(words: frozenset[str], word: str) -> bool:
    if word in words:
        return True
    found = process.extractOne(word, words, scorer=fuzz.ratio, score_cutoff=SAME_WORD)
    return found is not None


class Matcher:
    """Built once over the records to match against; `matches(record)` then costs a few fuzzy
    comparisons per record of the same economy."""

    def __init__(self, records: Sequence[Record], *, words_seen: Counter | None = None) -> None:
        self.blocks = _blocks(records)
        self.urls = _url_index(records)
        self.titles = {code: [r.title_words for r in rs] for code, rs in self.blocks.items()}
        self.descriptions = {
            code: [r.description_words for r in rs] for code, rs in self.blocks.items()
        }
        self.words_seen = words_seen or Counter(w for r in records for w in r.words)
        total = max(len(records), 1)
        self.rare_below = max(RARE_AT_LEAST, int(total * RARE_SHARE))

    def _rare(self, record: Record) -> set[str]:
        return {w for w in record.words if self.words_seen[w] <= self.rare_below and len(w) > 2}

    def _names_differ(self, a: Record, b: Record) -> bool:
        """Both titles have naming words, and none of one's is in the other."""
        rare_a, rare_b = self._rare(a), self._rare(b)
        if not rare_a or not rare_b:
            return False
        return not any(_has_word(b.words, w) for w in rare_a) and not any(
            _has_word(a.words, w) for w in rare_b
        )

    def _near(self, record: Record) -> dict[Any, Record]:
        near: dict[Any, Record] = {}
        for code in record.economies or ("",):
            block = self.blocks.get(code)
            if not block:
                continue
            found = process.extract(
                record.title_words,
                self.titles[code],
                scorer=fuzz.ratio,
                score_cutoff=TITLE_PREFILTER,
                limit=MAX_CANDIDATES * 2,
            )
            if record.description_words:
                found += process.extract(
                    record.description_words,
                    self.descriptions[code],
                    scorer=fuzz.ratio,
                    score_cutoff=DESCRIPTION_ALONE,
                    limit=MAX_CANDIDATES,
                )
            for *_match, index in found:
                near.setdefault(block[index].key, block[index])
        for key in record.url_keys:
            for other in self.urls.get(key, []):
                near.setdefault(other.key, other)
        return near

    def _score(self, a: Record, b: Record) -> Match | None:
        title = fuzz.ratio(a.title_words, b.title_words)
        description = None
        if a.description_words and b.description_words:
            description = fuzz.token_set_ratio(a.description_words, b.description_words)
        same_url = bool(a.url_keys & b.url_keys)
        score = title if description is None else 0.7 * title + 0.3 * description
        if description is not None and description >= DESCRIPTION_ALONE:
            score = max(score, description - 5)
        if not same_url and score >= CANDIDATE_SCORE and self._names_differ(a, b):
            return None
        reasons = []
        if same_url:
            score = max(score, 95)
            reasons.append(_("same web address"))
        if score < CANDIDATE_SCORE:
            return None
        if shared := sorted(set(a.economies) & set(b.economies)):
            reasons.insert(0, _("same economy: %(codes)s") % {"codes": ", ".join(shared)})
        reasons.append(_("titles %(n)s%% alike") % {"n": round(title)})
        if description is not None:
            reasons.append(_("descriptions %(n)s%% alike") % {"n": round(description)})
        return Match(key=b.key, score=round(score), reasons=tuple(reasons))

    def matches(self, record: Record, *, exclude: Any = None) -> list[Match]:
        found = []
        for key, other in self._near(record).items():
            if key != exclude and (match := self._score(record, other)) is not None:
                found.append(match)
        found.sort(key=lambda m: (-m.score, str(m.key)))
        return found[:MAX_CANDIDATES]


def catalog_records() -> list[Record]:
    """Every entry not withdrawn, whatever its workflow: a duplicate of a draft is still one."""
    live = Entry.objects.exclude(workflow=Workflow.WITHDRAWN)
    economies: dict[int, list[str]] = defaultdict(list)
    for entry_id, code in Entry.economies.through.objects.filter(entry__in=live).values_list(
        "entry_id", "economy__code"
    ):
        economies[entry_id].append(code)
    urls: dict[int, list[str]] = defaultdict(list)
    for entry_id, url in EntryLink.objects.filter(entry__in=live).values_list("entry_id", "url"):
        urls[entry_id].append(url)
    return [
        Record(
            key=pk,
            title=title,
            description=description or "",
            economies=tuple(economies.get(pk, ())),
            urls=tuple(urls.get(pk, ())),
        )
        for pk, title, description in live.values_list("pk", "title", "description").iterator()
    ]
