"""The public documents as bitmaps held in each process's memory: bit `i` stands for entry `i`,
one bitmap per facet value (`area:ecommerce`) and per start year. Filtering and counting every
facet value is then AND and popcount on Python integers, the same on both databases: about 3 ms
for all 330 facet values at 100,000 entries, where GROUP BY over the matching rows took 20 to
150 ms. The text engine only says which ids match the words.

The bitmaps are rebuilt when the index generation changes (any write to the index), in about a
second at 100,000 entries and a few milliseconds at the compendium's real size."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import repeat

from django.db import connection

from .indexing import index_generation

DOCUMENTS = "search_entrydocument"
FACETS_TABLE = "search_entryfacet"
# Each sort's SQL order (ties broken by id, so pages never overlap); the same as the pages showed
# when they were sorted by the database.
ORDERS = {
    "newest": "published_at DESC, entry_id DESC",
    "title": "sort_title, entry_id",
    "economy_en": "sort_economy_en, sort_title, entry_id",
    "economy_fr": "sort_economy_fr, sort_title, entry_id",
    "economy_es": "sort_economy_es, sort_title, entry_id",
}
# Below this density a page is found by sorting the few matching ids by rank; above it, by
# walking the sort order until the page is full.
SPARSE = 1 / 32
ONE = ord("1")
_BITS = [tuple(bit for bit in range(8) if value >> bit & 1) for value in range(256)]


def bitmap_of(ids: Iterable[int], size: int) -> int:
    """A bitmap with the bits of these ids set (ids beyond `size` are not in the index)."""
    ids = ids if isinstance(ids, list) else list(ids)
    if len(ids) * 16 < size:
        buffer = bytearray((size >> 3) + 1)
        for i in ids:
            if 0 <= i < size:
                buffer[i >> 3] |= 1 << (i & 7)
        return int.from_bytes(buffer, "little")
    if min(ids) < 0:
        ids = [i for i in ids if i >= 0]
    # Many ids: one ASCII digit per id, set in C (`map` over `__setitem__`) and read as a
    # base-2 number, in half the time of setting each bit in Python (6 ms for 100,000 ids).
    digits = bytearray(b"0") * max(size, max(ids, default=0) + 1)
    deque(map(digits.__setitem__, ids, repeat(ONE)), maxlen=0)
    digits.reverse()
    return int(digits, 2) & ((1 << size) - 1)


def ids_in(bitmap: int) -> list[int]:
    """The ids whose bits are set, ascending."""
    data = bitmap.to_bytes((bitmap.bit_length() + 7) >> 3, "little")
    ids: list[int] = []
    for index, value in enumerate(data):
        if value:
            base = index << 3
            ids.extend(base + bit for bit in _BITS[value])
    return ids


@dataclass
class Bitmaps:
    generation: int
    size: int  # one more than the largest entry id indexed
    public: int
    keys: dict[str, int]
    years: dict[int, int]
    _orders: dict[str, list[int]] = field(default_factory=dict)
    _ranks: dict[str, dict[int, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, ids: Iterable[int]) -> int:
        return bitmap_of(ids, self.size)

    def key(self, key: str) -> int:
        return self.keys.get(key, 0)

    def any_of(self, keys: Iterable[str]) -> int:
        bitmap = 0
        for key in keys:
            bitmap |= self.keys.get(key, 0)
        return bitmap

    def year_range(self, start: int | None, end: int | None) -> int:
        bitmap = 0
        for year, bits in self.years.items():
            if (start is None or year >= start) and (end is None or year <= end):
                bitmap |= bits
        return bitmap

    def order(self, sort: str) -> list[int]:
        """The public ids in this sort's order (fetched from the database on first use)."""
        ids = self._orders.get(sort)
        if ids is None:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT entry_id FROM {DOCUMENTS} WHERE is_public = %s "
                    f"ORDER BY {ORDERS[sort]}",
                    [True],
                )
                ids = [row[0] for row in cursor.fetchall()]
            with self._lock:
                self._orders[sort] = ids
                self._ranks[sort] = {i: n for n, i in enumerate(ids)}
        return ids

    def rank(self, sort: str) -> dict[int, int]:
        self.order(sort)
        return self._ranks[sort]

    def ordered(
        self, bitmap: int, sort: str, *, offset: int = 0, limit: int | None = None
    ) -> list[int]:
        """The ids of a bitmap in a sort's order, from `offset`, at most `limit` of them."""
        order = self.order(sort)
        end = None if limit is None else offset + limit
        if bitmap.bit_count() <= len(order) * SPARSE or limit is None:
            rank = self.rank(sort)
            ids = [i for i in ids_in(bitmap) if i in rank]
            ids.sort(key=rank.__getitem__)
            return ids[offset:end]
        data = bitmap.to_bytes((self.size >> 3) + 1, "little")
        found: list[int] = []
        skip = offset
        for i in order:
            if data[i >> 3] >> (i & 7) & 1:
                if skip:
                    skip -= 1
                    continue
                found.append(i)
                if len(found) == limit:
                    break
        return found


def _build(generation: int) -> Bitmaps:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(entry_id) FROM {DOCUMENTS}")
        size = (cursor.fetchone()[0] or 0) + 1
        cursor.execute(f"SELECT entry_id, start_year FROM {DOCUMENTS} WHERE is_public = %s", [True])
        rows = cursor.fetchall()
        public = bitmap_of((row[0] for row in rows), size)
        by_year: dict[int, list[int]] = {}
        for entry_id, year in rows:
            if year is not None:
                by_year.setdefault(year, []).append(entry_id)
        # One row per facet value with its ids joined: a third of the time of 1.3 million rows.
        joined = (
            "string_agg(entry_id::text, ',')"
            if connection.vendor == "postgresql"
            else "group_concat(entry_id)"
        )
        cursor.execute(f"SELECT key, {joined} FROM {FACETS_TABLE} GROUP BY key")
        keys = {
            key: bitmap_of(map(int, ids.split(",")), size) & public
            for key, ids in cursor.fetchall()
        }
    return Bitmaps(
        generation=generation,
        size=size,
        public=public,
        keys=keys,
        years={year: bitmap_of(ids, size) for year, ids in by_year.items()},
    )


_current: dict[str, Bitmaps] = {}
_building = threading.Lock()


def current_bitmaps() -> Bitmaps:
    """The bitmaps of the index as it is now in this database (rebuilt if it changed)."""
    generation = index_generation()
    name = f"{connection.vendor}:{connection.settings_dict['NAME']}"
    bitmaps = _current.get(name)
    if bitmaps is None or bitmaps.generation != generation:
        with _building:
            bitmaps = _current.get(name)
            if bitmaps is None or bitmaps.generation != generation:
                bitmaps = _current[name] = _build(generation)
    return bitmaps
