"""The demo set-up, end to end, on a fresh SQLite database: what `make demo` does before serving."""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

from compendium.config import VARIABLES

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("var")
    env = {k: v for k, v in os.environ.items() if k not in {v.name for v in VARIABLES}}
    env["VAR_DIR"] = str(var_dir)  # a fresh database, whatever DATABASE_URL the suite runs with
    setup = subprocess.run(
        ["make", "--no-print-directory", "setup-demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "compendium", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield {"output": setup.stdout, "base": base, "var_dir": var_dir}
    server.terminate()
    server.wait(timeout=10)


def get(url: str, opener=None) -> str:
    with (opener or urllib.request.build_opener()).open(url, timeout=10) as response:
        return response.read().decode()


def test_setup_reports_loads_and_prints_accounts(demo):
    out = demo["output"]
    assert "economies: 188 created" in out
    assert "sample entries: 60 created" in out
    for username in ("secretariat", "canada", "kenya", "chile", "itc"):
        assert re.search(rf"^\s+{username}\s+password: \S+", out, flags=re.MULTILINE), out
    database = demo["var_dir"] / "compendium.sqlite3"
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_served_site_shows_the_sample(demo):
    home = get(demo["base"] + "/")
    assert "60" in home
    assert "188" in home
    assert "illustrative sample" in home.lower()
    assert "SheTrades Initiative" in get(demo["base"] + "/entries/itc-shetrades-initiative/")
    assert "Canada" in get(demo["base"] + "/economies/CAN/")


def test_printed_secretariat_password_opens_the_admin(demo):
    password = re.search(r"^\s+secretariat\s+password: (\S+)", demo["output"], re.MULTILINE)[1]
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = get(demo["base"] + "/admin/login/", opener)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login)[1]
    body = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "username": "secretariat",
            "password": password,
            "next": "/admin/",
        }
    ).encode()
    request = urllib.request.Request(
        demo["base"] + "/admin/login/",
        data=body,
        headers={"Referer": demo["base"] + "/admin/login/"},
    )
    page = opener.open(request, timeout=10).read().decode()
    assert "Entries" in page
    assert "Log out" in page
