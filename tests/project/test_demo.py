"""The demo set-up, end to end, on a fresh SQLite database: what `make demo` does before serving."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import urllib.request
from http.cookiejar import CookieJar
from urllib.parse import urlencode

import pytest

from tests.served import ROOT, clean_environment, serve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("var")
    # A fresh SQLite database under VAR_DIR, whatever database the suite itself runs on.
    env = clean_environment(VAR_DIR=str(var_dir))
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
    served = serve(var_dir, setup=[], env=env)
    yield {"output": setup.stdout, "base": served.base, "var_dir": var_dir}
    served.stop()


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
