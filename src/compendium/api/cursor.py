"""Opaque cursors for paging through search results.

A cursor is base64url JSON holding the offset of its page and a fingerprint of the search it
belongs to (query, filters, sort, limit and language). A cursor used with different parameters
is refused rather than silently showing a page of some other list. Cursors are not secrets:
clients must simply treat them as opaque, so that their contents can change later."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json

from .errors import ApiError

MAX_CURSOR_CHARS = 200


def search_fingerprint(*, querystring: str, limit: int, language: str) -> str:
    text = f"{querystring}|limit={limit}|lang={language}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cursor_encode(*, offset: int, fingerprint: str) -> str:
    raw = json.dumps({"o": offset, "f": fingerprint}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _invalid() -> ApiError:
    return ApiError(
        400,
        "invalid_cursor",
        "The cursor is not one this API gave out. Use the `next` or `previous` address of a "
        "response as it is, or leave the cursor out to start from the first page.",
        [{"location": "query", "parameter": "cursor", "message": "Malformed cursor."}],
    )


def cursor_decode(token: str, *, fingerprint: str, limit: int) -> int:
    """The offset the cursor points at, if it belongs to this search; otherwise a 400."""
    if not token or len(token) > MAX_CURSOR_CHARS:
        raise _invalid()
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _invalid() from None
    if not isinstance(data, dict):
        raise _invalid()
    offset, seen = data.get("o"), data.get("f")
    if type(offset) is not int or offset < 0 or not isinstance(seen, str):
        raise _invalid()
    if seen != fingerprint:
        raise ApiError(
            400,
            "cursor_mismatch",
            "This cursor belongs to another search: the query, filters, sort, limit and language "
            "must stay the same from page to page. Leave the cursor out to start again.",
            [{"location": "query", "parameter": "cursor", "message": "Cursor of another search."}],
        )
    if offset % limit:
        raise _invalid()  # this API only ever gives out offsets that are whole pages
    return offset
