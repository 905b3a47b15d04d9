"""A PostgreSQL server for the benchmark: the one DATABASE_URL names, or a throwaway cluster
started in a temporary directory (as `.ci/run` does), stopped when the benchmark ends."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True)
class Server:
    url: str  # postgres://user@host:port/ (no database)
    bin_dir: Path | None  # where psql, pg_dump and pg_restore are, if anywhere
    version: str

    def database_url(self, name: str) -> str:
        return self.url.rstrip("/") + "/" + name

    def tool(self, name: str) -> str | None:
        if self.bin_dir and (self.bin_dir / name).exists():
            return str(self.bin_dir / name)
        return shutil.which(name)

    def sql(self, statement: str, database: str = "postgres") -> str:
        """Run one statement through psycopg (always installed) and return the first cell."""
        import psycopg

        with psycopg.connect(self.database_url(database), autocommit=True) as connection:
            cursor = connection.execute(statement)
            row = cursor.fetchone() if cursor.description else None
            return "" if row is None or row[0] is None else str(row[0])


def bin_dir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: use its own system user then.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def server(log) -> Iterator[Server | None]:
    """Yield a server, or None (with a message) when there is no PostgreSQL to use."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        base = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
        found = Server(base, bin_dir(), "")
        yield Server(base, found.bin_dir, found.sql("SHOW server_version"))
        return
    binaries = bin_dir()
    if binaries is None:
        log("PostgreSQL: skipped (no PostgreSQL binaries found; install postgresql to include it)")
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="compendium-bench-pg.") as tmp:
        if os.geteuid() == 0:
            shutil.chown(tmp, "postgres")
        data, port = Path(tmp) / "data", _free_port()
        subprocess.run(
            _as_postgres(
                [
                    str(binaries / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            capture_output=True,
        )
        # Durability is not what is measured: fsync off makes building the data sets quicker.
        options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off"
        pg_ctl = [str(binaries / "pg_ctl"), "-D", str(data), "-l", f"{tmp}/log", "-w"]
        subprocess.run(
            _as_postgres([*pg_ctl, "-o", options, "start"]), check=True, capture_output=True
        )
        try:
            found = Server(f"postgres://postgres@127.0.0.1:{port}/", binaries, "")
            version = found.sql("SHOW server_version")
            log(f"PostgreSQL: throwaway cluster {version} on port {port}")
            yield Server(found.url, binaries, version)
        finally:
            subprocess.run(
                _as_postgres([*pg_ctl, "-m", "fast", "stop"]), check=False, capture_output=True
            )
