"""No lost update, raced for real: two people open the same thing, change different fields and
press save at the same instant (a barrier releases both requests together against the threaded
server). Exactly one save goes through; the other is refused with a message naming what the
first one changed, and the first one's change is still there afterwards."""

from __future__ import annotations

import html
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .conftest import form_fields, replaced, signed_in

ROUNDS = 3


def race(*sends) -> list[requests.Response]:
    """Run the sends together: each waits at the barrier, then posts."""
    barrier = threading.Barrier(len(sends))

    def go(send):
        barrier.wait(timeout=30)
        return send()

    with ThreadPoolExecutor(len(sends)) as pool:
        return list(pool.map(go, sends))


def _entry_form(session: requests.Session, base: str, pk: int) -> list[tuple[str, str]]:
    page = session.get(f"{base}/admin/catalog/entry/{pk}/change/", timeout=30)
    assert page.status_code == 200
    return form_fields(page.text, "entry_form")


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_two_curators_saving_one_entry_in_the_admin(race_site, attempt):
    served, passwords = race_site
    base, pk = served.base, 1 + attempt
    first = signed_in(base, "secretariat", passwords["secretariat"])
    second = signed_in(base, "curator2", passwords["curator2"])
    first_form, second_form = _entry_form(first, base, pk), _entry_form(second, base, pk)
    title = f"Raced title {attempt}"
    description = f"Raced description {attempt}: written by the second curator."
    address = f"{base}/admin/catalog/entry/{pk}/change/"

    answers = race(
        lambda: first.post(
            address,
            data=[*replaced(first_form, title=title), ("_continue", "1")],
            allow_redirects=False,
            timeout=60,
        ),
        lambda: second.post(
            address,
            data=[*replaced(second_form, description=description), ("_continue", "1")],
            allow_redirects=False,
            timeout=60,
        ),
    )

    saved = [answer for answer in answers if answer.status_code == 302]
    refused = [answer for answer in answers if answer.status_code == 200]
    assert (len(saved), len(refused)) == (1, 1), [a.status_code for a in answers]
    message = html.unescape(refused[0].text)
    assert "changed by someone else" in message
    winner_changed = "title" if saved[0] is answers[0] else "description"
    assert f"Changed since your version: {winner_changed}" in message
    # The saved change is there; the refused one was not written over it.
    after = dict(_entry_form(first, base, pk))
    if winner_changed == "title":
        assert (after["title"], after["description"]) == (title, dict(first_form)["description"])
    else:
        assert (after["title"], after["description"]) == (dict(first_form)["title"], description)
    assert int(after["expected_version"]) == int(dict(first_form)["expected_version"]) + 1


def _section_form(session: requests.Session, base: str) -> list[tuple[str, str]]:
    page = session.get(f"{base}/survey/section/respondent/", timeout=30)
    assert page.status_code == 200
    return form_fields(page.text, "/survey/section/respondent/")


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_a_focal_point_saving_one_draft_from_two_tabs(race_site, attempt):
    served, passwords = race_site
    base = served.base
    # Two tabs of one browser: one session, two pages opened from the same version.
    browser = signed_in(base, "chile", passwords["chile"])
    first_tab, second_tab = _section_form(browser, base), _section_form(browser, base)
    name, position = f"Ana Pérez {attempt}", f"Director {attempt}"
    address = f"{base}/survey/section/respondent/"

    answers = race(
        lambda: browser.post(
            address, data=replaced(first_tab, contact_name=name), allow_redirects=False
        ),
        lambda: browser.post(
            address, data=replaced(second_tab, contact_position=position), allow_redirects=False
        ),
    )

    saved = [answer for answer in answers if answer.status_code == 302]
    refused = [answer for answer in answers if answer.status_code == 409]
    assert (len(saved), len(refused)) == (1, 1), [a.status_code for a in answers]
    message = html.unescape(refused[0].text)
    assert "saved elsewhere" in message
    assert "Changed since you opened it:" in message
    # The refused tab keeps its typing on the page, so nothing typed is lost either.
    first_won = saved[0] is answers[0]
    assert (position if first_won else name) in message
    after = dict(_section_form(browser, base))
    assert after["contact_name"] == (name if first_won else dict(first_tab)["contact_name"])
    assert after["contact_position"] == (
        dict(second_tab)["contact_position"] if first_won else position
    )
    assert int(after["version"]) == int(dict(first_tab)["version"]) + 1
