"""Shared by the editions' tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _build_inline(settings):
    """Documents are built in the request, not in a background thread that could not see the
    test's transaction (as `IMPORTS_IN_BACKGROUND` for the imports' tests)."""
    settings.EDITIONS_BUILD_IN_BACKGROUND = False
