"""Long jobs a web request starts (reading a partner file, building an edition's documents): run
in a thread of the web process once the request's transaction is committed, so the thread sees
what the request wrote, with the requester's language for its messages; or at once, within the
request, when `JOBS_IN_BACKGROUND` is off (the tests, whose transactions are never committed)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import translation


def job_start(*, name: str, work: Callable[[], object]) -> None:
    if not settings.JOBS_IN_BACKGROUND:
        work()
        return
    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: _thread_start(name, work, language))


def _thread_start(name: str, work: Callable[[], object], language: str) -> None:
    def run() -> None:
        close_old_connections()
        try:
            with translation.override(language):
                work()
        finally:
            close_old_connections()

    threading.Thread(target=run, name=name, daemon=True).start()
