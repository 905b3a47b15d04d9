"""Writing an edition's documents to disk: each file is written in full next to its place, then
moved there in one step, so a reader (or a crash) never meets a half-written document."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .document import Document, edition_document
from .models import DocumentFormat, Edition

Progress = Callable[[str, int, int], None]
EDITIONS_DIR = "editions"


@dataclass(frozen=True)
class BuiltFile:
    format: str
    language: str
    name: str  # relative to MEDIA_ROOT
    sha256: str
    size: int
    built_at: datetime


def document_filename(edition: Edition, fmt: str, language: str) -> str:
    """E.g. INF-TGE-W-12-Rev.1_INF-MSME-W-34-Rev.1_en.docx: the symbols, safe as a file name."""
    symbols = "_".join(re.sub(r"[^A-Za-z0-9.]+", "-", s).strip("-") for s in edition.symbol_list)
    return f"{symbols or 'edition'}_{language}.{fmt}"


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`; moved onto `target` only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def render(document: Document, fmt: str, path: Path, progress: Progress | None = None) -> None:
    if fmt == DocumentFormat.DOCX:
        from .render_docx import write_docx

        write_docx(document, path, progress=progress)
    else:
        from .render_pdf import write_pdf

        write_pdf(document, path, progress=progress)


def build_to(
    *,
    edition: Edition,
    formats: Sequence[str],
    language: str,
    directory: Path,
    progress: Progress | None = None,
) -> list[tuple[str, Path]]:
    """Build each format into `directory` (atomically); returns (format, path) pairs."""
    document = edition_document(edition=edition, language=language)
    written = []
    for fmt in formats:
        target = directory / document_filename(edition, fmt, language)
        with atomic_path(target) as temporary:
            render(document, fmt, temporary, progress)
        written.append((fmt, target))
    return written


def build_files(
    *,
    edition: Edition,
    formats: Sequence[str],
    language: str,
    progress: Progress | None = None,
) -> list[BuiltFile]:
    """Build under MEDIA_ROOT/editions/<id>/ and describe each file for its record."""
    relative = Path(EDITIONS_DIR) / str(edition.pk)
    directory = Path(settings.MEDIA_ROOT) / relative
    built = []
    for fmt, path in build_to(
        edition=edition, formats=formats, language=language, directory=directory, progress=progress
    ):
        built.append(
            BuiltFile(
                format=fmt,
                language=language,
                name=str(relative / path.name),
                sha256=_sha256(path),
                size=path.stat().st_size,
                built_at=timezone.now(),
            )
        )
    return built
