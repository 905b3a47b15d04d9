"""`make serve` started from Python, as the load test (`loadtest/run.py`) and the serve test
(`tests/operations/test_serve.py`) run it: in its own process group (make, gunicorn and its
workers stop together), without an outer make's command-line variables (`make load
DATABASE_URL=…` would otherwise pass its DATABASE_URL on and override the caller's database), and
`-o install -o translations`: already done, as in CI after `make test`."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKE_VARIABLES = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_serve_start(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    env = {k: v for k, v in env.items() if k not in MAKE_VARIABLES}
    command = ["make", "-o", "install", "-o", "translations", "serve", "HOST=127.0.0.1"]
    with log.open("wb") as output:
        return subprocess.Popen(
            [*command, f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@contextlib.contextmanager
def make_serve_running(env: dict[str, str], log: Path, *, timeout: float = 300) -> Iterator[str]:
    """The server's base URL once it answers `/`; RuntimeError with its log if it never does."""
    port = free_port()
    process = make_serve_start(port, env, log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "make serve did not start:\n" + log.read_text()[-3000:]
                    ) from None
                time.sleep(0.5)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
