"""Invitation links: a random token the respondent holds, of which we keep only a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    # SHA-256 is enough: the token has 256 bits of entropy, so there is nothing to brute-force.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_looks_valid(token: str) -> bool:
    """Cheap shape check before any database look-up (forged links are usually malformed)."""
    return 20 <= len(token) <= 100 and all(c.isalnum() or c in "-_" for c in token)


def hashes_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)
