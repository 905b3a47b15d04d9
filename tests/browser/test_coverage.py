"""The coverage page in a real browser: it renders, the matrix is reachable by keyboard, and a
cell opens the search filtered on its economy and policy area."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

INSIDE_MATRIX = "document.activeElement.closest('.mx-scroll') !== null"


def test_coverage_page_renders_the_matrix_and_the_charts(page):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    response = page.goto("/coverage/")
    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Coverage and statistics")
    matrix = page.get_by_role("table", name="Published entries by WTO Member or Observer")
    expect(matrix).to_be_visible()
    expect(matrix.locator("tbody tr[id^='e-']")).to_have_count(188)
    expect(matrix.locator("thead th.mx-area")).to_have_count(17)
    expect(page.get_by_role("img", name=re.compile("Entries by WTO region"))).to_be_visible()
    assert page.locator("svg[role='img']").count() == 7
    # Every chart's table is one click away, and its numbers are there for everyone.
    details = page.locator("#chart-verification details")
    details.locator("summary").click()
    expect(details.get_by_role("table")).to_be_visible()
    # The CSP refuses inline styles and scripts: a violation would show as a console error.
    assert problems == []
    # Nothing hidden in the matrix's rows stretches the page beyond its footer.
    footer_bottom = page.evaluate(
        "document.querySelector('footer').getBoundingClientRect().bottom + window.scrollY"
    )
    assert page.evaluate("document.documentElement.scrollHeight") <= footer_bottom + 2


def test_matrix_is_reachable_with_the_keyboard(page):
    page.goto("/coverage/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate(INSIDE_MATRIX):
            break
    assert page.evaluate(INSIDE_MATRIX), "Tab never reached the matrix"
    # First the scrollable region itself (so arrow keys scroll it), then the links in its rows.
    assert page.evaluate("document.activeElement.classList.contains('mx-scroll')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "A"
    assert page.evaluate("document.activeElement.closest('table.mx tbody') !== null"), (
        "the first link after the region is in a row of the table"
    )
    # Tabbing on reaches a cell's link, which shows where the focus is.
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('td.r, td.v') !== null"):
            break
    assert page.evaluate("document.activeElement.closest('td.r, td.v') !== null")
    focused = page.locator(":focus")
    expect(focused).to_be_in_viewport()
    # The focus shows (the site's yellow), and the sticky header row does not hide it.
    assert page.evaluate("getComputedStyle(document.activeElement).backgroundColor") == (
        "rgb(255, 214, 10)"
    )
    header_bottom = page.evaluate(
        "document.querySelector('table.mx thead').getBoundingClientRect().bottom"
    )
    assert focused.bounding_box()["y"] >= header_bottom - 1


def test_a_cell_opens_the_search_filtered_on_its_economy_and_area(page):
    page.goto("/coverage/")
    cell = page.locator("#e-CHL td.r a").first
    href = cell.get_attribute("href")
    cell.click()
    expect(page).to_have_url(re.compile(r"/search/\?"))
    parts = urlsplit(page.url)
    assert parts.path == "/search/"
    query = parse_qs(parts.query)
    assert query["economy"] == ["CHL"]
    assert len(query["area"]) == 1
    assert page.url.endswith(href)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Chile")
