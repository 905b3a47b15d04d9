"""Races need real concurrency: a real server of the product in a subprocess (threaded, its own
database: SQLite by default, or a fresh PostgreSQL database next to the one the suite runs on
when DATABASE_URL names one), and browsers as plain HTTP sessions in threads."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests

from tests.served import DEMO_SETUP, Served, clean_environment, compendium, serve

SECOND_CURATOR = (
    "from django.contrib.auth import get_user_model; "
    "from compendium.review.services import secretariat_group_ensure; "
    "u = get_user_model().objects.create_user('curator2', 'c2@wto.example', 'pw-curator2', "
    "is_staff=True); u.groups.add(secretariat_group_ensure())"
)
ROUND = ["survey_open", "--title", "Race round", "--slug", "race", "--deadline", "2030-12-31"]


def _postgres_database(url: str) -> Iterator[str]:
    """A fresh database beside the suite's own; dropped afterwards."""
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'compendium'}_races"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def race_site(tmp_path_factory) -> Iterator[tuple[Served, dict[str, str]]]:
    var_dir = tmp_path_factory.mktemp("races-var")
    env = clean_environment(VAR_DIR=str(var_dir))
    suite_database = os.environ.get("DATABASE_URL", "")
    databases = (
        _postgres_database(suite_database) if suite_database.startswith("postgres") else None
    )
    if databases is not None:
        env["DATABASE_URL"] = next(databases)
    served = serve(var_dir, setup=[*DEMO_SETUP, ROUND], env=env)
    compendium("shell", "-c", SECOND_CURATOR, env=env)
    passwords = dict(re.findall(r"^\s+(\w+)\s+password: (\S+)", served.setup_output, re.M))
    passwords["curator2"] = "pw-curator2"
    yield served, passwords
    served.stop()
    if databases is not None:
        next(databases, None)


class FormReader(HTMLParser):
    """The fields a browser would send for the first form whose id or action is `which`:
    inputs, checked boxes, selected options, text areas."""

    def __init__(self, which: str) -> None:
        super().__init__()
        self.which, self.inside, self.done = which, False, False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and not self.done and self.which in (a.get("id"), a.get("action")):
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file", "image"):
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_fields(html: str, which: str) -> list[tuple[str, str]]:
    reader = FormReader(which)
    reader.feed(html)
    return reader.fields


def replaced(fields: list[tuple[str, str]], **values: str) -> list[tuple[str, str]]:
    return [(name, values.get(name, value)) for name, value in fields]


def signed_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    fields = dict(form_fields(page.text, "/accounts/login/"))
    answer = session.post(
        f"{base}/accounts/login/",
        data={**fields, "username": username, "password": password},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, f"{username} could not sign in"
    return session
