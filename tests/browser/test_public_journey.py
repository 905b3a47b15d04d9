"""A visitor's first steps on the public site, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_visitor_goes_from_home_to_an_entry_and_its_source(page):
    page.goto("/")
    expect(page.get_by_text("illustrative sample", exact=False).first).to_be_visible()
    page.get_by_role("link", name=re.compile("E-commerce", re.IGNORECASE)).first.click()
    expect(page).to_have_url(re.compile(r"/entries/\?area=ecommerce"))
    page.get_by_role("link", name="eTrade for Women").click()
    expect(page).to_have_url(re.compile(r"/entries/unctad-etrade-for-women/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("eTrade for Women")
    expect(page.get_by_text("Compiled by the Secretariat", exact=False).first).to_be_visible()


def test_visitor_filters_by_economy_and_removes_the_filter(page):
    page.goto("/entries/?economy=CHL")
    rows = page.locator("main article, main li.entry")
    expect(page.get_by_text("Chile").first).to_be_visible()
    count = rows.count()
    assert 0 < count < 60
    page.get_by_role("link", name=re.compile("remove", re.IGNORECASE)).first.click()
    expect(page).to_have_url(re.compile(r"/entries/(\?)?$"))


def test_visitor_switches_to_french_and_spanish_and_keeps_the_page(page):
    page.goto("/economies/KEN/")
    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/economies/KEN/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("link", name="Español").click()
    expect(page).to_have_url(re.compile(r"/es/economies/KEN/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_keyboard_user_can_skip_to_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "content" in focused.lower()
