"""What an import says about a file or a row: a message, and where (row, column, field)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Problem:
    message: str
    level: str = ERROR
    row: int | None = None  # the row's number in the file (1 = the spreadsheet's first row)
    column: str = ""  # the file's column name
    field: str = ""  # the entry field concerned

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in ("", None)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Problem:
        keys = ("message", "level", "row", "column", "field")
        return cls(**{k: data[k] for k in keys if k in data})

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                _("row %(n)s") % {"n": self.row} if self.row else "",
                _("column “%(name)s”") % {"name": self.column} if self.column else "",
                _("field %(name)s") % {"name": self.field} if self.field else "",
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message


class FileRefused(Exception):
    """The file cannot be imported at all; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))
