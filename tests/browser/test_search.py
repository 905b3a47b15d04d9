"""The search page in a real browser: in-place updates with htmx, the same journeys without
JavaScript, language switching and keyboard use."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COUNT = re.compile(r"^\d+ entr")


def mark_page(page) -> None:
    """Leave a mark in the window: it survives in-place updates, not page loads."""
    page.evaluate("window.searchPageMark = 'kept'")


def page_was_not_reloaded(page) -> bool:
    return page.evaluate("window.searchPageMark") == "kept"


def results_heading(page):
    return page.locator("#results-heading")


def test_typing_words_updates_the_results_in_place_and_the_address(page):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security" in m.text else 0)
    page.goto("/search/")
    expect(results_heading(page)).to_contain_text("60 entries")
    mark_page(page)
    page.get_by_label("Search words").press_sequentially("mentoring", delay=40)
    expect(page).to_have_url(re.compile(r"/search/\?q=mentoring$"))
    expect(results_heading(page)).not_to_contain_text("60 entries")
    expect(page.locator(".result mark").first).to_be_visible()
    expect(page.locator("#search-status")).to_contain_text("found")
    expect(page).to_have_title(re.compile("^“mentoring” – Search"))
    assert page_was_not_reloaded(page)
    assert page.get_by_label("Search words").evaluate("e => e === document.activeElement")
    assert not problems


def test_ticking_a_facet_filters_in_place_and_keeps_focus(page):
    page.goto("/search/?q=women")
    mark_page(page)
    area = page.get_by_role("group", name="Policy area")
    area.get_by_label("E-commerce and digital trade").check()
    expect(page).to_have_url(re.compile(r"/search/\?q=women&area=ecommerce$"))
    expect(page.locator(".search-chip", has_text="E-commerce and digital trade")).to_be_visible()
    expect(area.get_by_label("E-commerce and digital trade")).to_be_checked()
    expect(area.get_by_label("E-commerce and digital trade")).to_be_focused()
    assert page_was_not_reloaded(page)


def test_removing_a_chip_and_going_back(page):
    page.goto("/search/?q=women&area=ecommerce")
    expect(results_heading(page)).to_contain_text("12 entries")
    mark_page(page)
    page.locator(".search-chip", has_text="E-commerce and digital trade").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=women$"))
    expect(page.locator(".search-chip", has_text="E-commerce")).to_have_count(0)
    expect(page.get_by_label("Search words")).to_have_value("women")
    assert page_was_not_reloaded(page)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/search/\?q=women&area=ecommerce$"))
    expect(results_heading(page)).to_contain_text("12 entries")


def test_paging_through_results_keeps_the_search(page):
    page.goto("/search/?sort=newest")
    mark_page(page)
    page.get_by_role("navigation", name="Pages of results").get_by_role(
        "link", name="Next page"
    ).click()
    expect(page).to_have_url(re.compile(r"/search/\?sort=newest&page=2$"))
    expect(results_heading(page)).to_contain_text("21–40 of 60")
    expect(results_heading(page)).to_be_focused()
    expect(page.get_by_label("Sort by")).to_have_value("newest")
    assert page_was_not_reloaded(page)


def test_switching_to_french_keeps_the_search(page):
    page.goto("/search/")
    page.get_by_label("Search words").press_sequentially("women", delay=30)
    page.get_by_role("group", name="Policy area").get_by_label(
        "E-commerce and digital trade"
    ).check()
    expect(page).to_have_url(re.compile(r"/search/\?q=women&area=ecommerce$"))
    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/search/\?q=women&area=ecommerce$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(
        page.locator(".search-chip", has_text="Commerce électronique et commerce numérique")
    ).to_be_visible()
    expect(page.locator("#search-q")).to_have_value("women")
    expect(results_heading(page)).to_contain_text("12")


def test_the_page_works_without_javascript(browser, site):
    context = browser.new_context(base_url=site.base, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto("/search/")
        page.get_by_label("Search words").fill("mentoring")
        page.get_by_role("group", name="Policy area").get_by_label(
            "E-commerce and digital trade"
        ).check()
        page.get_by_role("button", name="Apply", exact=True).click()
        expect(page).to_have_url(re.compile(r"/search/\?q=mentoring&.*area=ecommerce"))
        expect(page.locator(".search-chip", has_text="mentoring")).to_be_visible()
        expect(page.locator(".search-chip", has_text="E-commerce")).to_be_visible()
        expect(results_heading(page)).to_have_text(COUNT)
        # Chips and each facet value's count are plain links to the search with it toggled.
        page.locator(".search-chip", has_text="E-commerce").click()
        expect(page).to_have_url(re.compile(r"/search/\?q=mentoring$"))
        page.locator("#facet-area-ecommerce ~ a.facet-option__count").click()
        expect(page).to_have_url(re.compile(r"/search/\?q=mentoring&area=ecommerce$"))
        expect(page.get_by_label("E-commerce and digital trade")).to_be_checked()
    finally:
        context.close()


def test_on_a_narrow_screen_the_filters_fold_and_stay_open_while_used(browser, site):
    context = browser.new_context(
        base_url=site.base, locale="en-GB", viewport={"width": 390, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto("/search/?q=women")
        area = page.get_by_role("group", name="Policy area")
        expect(area).to_be_hidden()
        page.get_by_text("Filter the results", exact=True).first.click()
        area.get_by_label("E-commerce and digital trade").check()
        expect(page).to_have_url(re.compile(r"area=ecommerce"))
        expect(area.get_by_label("E-commerce and digital trade")).to_be_visible()
        expect(area.get_by_label("E-commerce and digital trade")).to_be_checked()
    finally:
        context.close()


def test_keyboard_reaches_the_query_box_and_the_facets(page):
    page.goto("/search/")
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.name"))
        if reached[-1].startswith("facet-"):
            break
    assert "search-q" in reached
    assert reached[-1].startswith("facet-area-")
    # Space ticks the focused checkbox; the page updates in place.
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"/search/\?area="))
    expect(page.locator(".search-chip")).to_have_count(1)
