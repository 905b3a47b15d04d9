"""The matrix's world is built once per module inside an outer transaction; each test runs in a
savepoint inside it (pytest-django's own per-test transaction), so a write one test lets
through is gone before the next, and the whole world is rolled back at the end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import translation

from .scene import Scene, scene_build


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Scene]:
    media = tmp_path_factory.mktemp("matrix-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media)),
        translation.override("en"),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield scene_build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def as_role(db, scene: Scene) -> Callable[[str], Client]:
    """A fresh browser acting as one role of the matrix."""

    def make(role: str) -> Client:
        client = Client()
        if role == "colleague":
            client.get(f"/survey/link/{scene.colleague_token}/")
        elif role != "anonymous":
            client.force_login(scene.users[role])
        if role == "focal_point":
            # A focal point's first visit makes their own invitation: done before the test
            # looks at what a request writes.
            client.get("/survey/")
        return client

    return make


def resolve(scene: Scene, value: Any) -> Any:
    """A value "@own_policy.pk" names an attribute of the world; others are sent as they are."""
    if not (isinstance(value, str) and value.startswith("@")):
        return value
    found: Any = scene
    for part in value[1:].split("."):
        found = found[part] if isinstance(found, dict) else getattr(found, part)
    return found
