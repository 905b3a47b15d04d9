"""What every uploaded workbook goes through before openpyxl parses any of it (survey
spreadsheets, partner imports): an encrypted or legacy file is recognised by its OLE header
(password-protected .xlsx files are OLE containers, not zips), and the zip's members are weighed
(their number, their total size once inflated, the compression ratio) so a zip bomb is refused
before anything is inflated. Each caller words the refusal for its own users."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")


@dataclass(frozen=True)
class ArchiveLimits:
    max_uncompressed: int  # bytes, all members together
    max_ratio: float  # inflated size / compressed size, all members together and each alone
    max_members: int


class WorkbookRefused(Exception):
    """`reason`: "encrypted", "legacy" (an old .xls), "damaged" or "bomb" (with `member` and
    `inflated` bytes)."""

    def __init__(self, reason: str, *, member: str = "", inflated: int = 0) -> None:
        super().__init__(reason)
        self.reason, self.member, self.inflated = reason, member, inflated


def workbook_archive(data: bytes, *, limits: ArchiveLimits) -> zipfile.ZipFile:
    """The workbook's zip, opened but nothing inflated, or `WorkbookRefused`."""
    if data.startswith(OLE_MAGIC):
        raise WorkbookRefused("encrypted" if ENCRYPTED_MARK in data else "legacy")
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookRefused("damaged") from None
    inflated = sum(m.file_size for m in members)
    compressed = sum(m.compress_size for m in members) or 1
    swollen = [m for m in members if m.file_size / max(m.compress_size, 1) > limits.max_ratio]
    if (
        len(members) > limits.max_members
        or inflated > limits.max_uncompressed
        or inflated / compressed > limits.max_ratio
        or swollen
    ):
        largest = swollen[0] if swollen else max(members, key=lambda m: m.file_size)
        raise WorkbookRefused("bomb", member=largest.filename, inflated=inflated)
    return archive
