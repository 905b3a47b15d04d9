"""A real server of the product in a subprocess, with a fresh database, for black-box tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from compendium.config import VARIABLES

ROOT = Path(__file__).resolve().parents[1]


def clean_environment(**overrides: str) -> dict[str, str]:
    """The caller's environment without our settings variables, so the defaults apply."""
    names = {v.name for v in VARIABLES}
    env = {k: v for k, v in os.environ.items() if k not in names}
    env.update(overrides)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Served:
    base: str
    var_dir: Path
    process: subprocess.Popen
    setup_output: str

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def compendium(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "compendium", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )


def serve(var_dir: Path, *, setup: list[list[str]], env: dict[str, str]) -> Served:
    """Run the set-up commands, start `runserver` and wait until it answers."""
    output = "".join(compendium(*command, env=env).stdout for command in setup)
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "compendium",
            "runserver",
            "--noreload",
            "--skip-checks",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the server did not start") from None
            time.sleep(0.2)
    return Served(base=base, var_dir=var_dir, process=process, setup_output=output)


DEMO_SETUP = [
    ["migrate", "--noinput"],
    ["load_reference"],
    ["load_sample"],
    ["rebuild_index"],
    ["create_demo_accounts"],
]
