"""Text as matching sees it: no case, no accents, no punctuation, single spaces."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_WORD = re.compile(r"[^\w]+")


# Imported files repeat their values (economies, categories) many times over.
@lru_cache(maxsize=65536)
def fold(value: str) -> str:
    """'Côte d’Ivoire' → 'cote d ivoire'; 'Korea, Rep.' → 'korea rep'."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", bare).strip()
