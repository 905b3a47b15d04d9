from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..services import Outcome

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


@dataclass(frozen=True)
class DataProblem:
    """One thing wrong in a data file, located precisely enough to fix it."""

    file: str
    row: int | None  # 1-based data row (the header is row 0 in CSV; list index + 1 in JSON)
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}, row {self.row}"
        if self.field:
            where += f", field {self.field!r}"
        return f"{where}: {self.message}"


class LoadAborted(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: Sequence[DataProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class LoadReport:
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, what: str, outcome: Outcome) -> None:
        self.counts[what][outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c[Outcome.CREATED] or c[Outcome.UPDATED] for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{what}: {c[Outcome.CREATED]} created, {c[Outcome.UPDATED]} updated, "
            f"{c[Outcome.UNCHANGED]} unchanged"
            for what, c in self.counts.items()
        ]


def read_csv(path: Path, required: Iterable[str]) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV file; a missing column or a ragged row aborts with its location."""
    name = path.name
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise LoadAborted([DataProblem(name, None, c, "missing column") for c in missing])
            rows = []
            for number, row in enumerate(reader, start=1):
                if None in row or any(v is None for v in row.values()):
                    raise LoadAborted([DataProblem(name, number, "", "wrong number of cells")])
                rows.append({k: v.strip() for k, v in row.items()})
            return rows
    except UnicodeDecodeError as error:
        raise LoadAborted(
            [DataProblem(name, None, "", f"not UTF-8 text ({error.reason})")]
        ) from None
    except OSError as error:
        raise LoadAborted([DataProblem(name, None, "", f"cannot read: {error.strerror}")]) from None


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise LoadAborted(
            [DataProblem(path.name, None, "", f"not valid JSON (line {error.lineno}: {error.msg})")]
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise LoadAborted([DataProblem(path.name, None, "", f"cannot read: {error}")]) from None


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise LoadAborted([DataProblem(path.name, None, "", f"not valid YAML: {error}")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise LoadAborted([DataProblem(path.name, None, "", f"cannot read: {error}")]) from None
