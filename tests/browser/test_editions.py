"""The secretariat's edition page in a real browser: create an edition, freeze it, build its DOCX
in the background and follow it to the finished state and the download link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def signed_in_secretariat(page: Page, site) -> Page:
    password = re.search(r"secretariat\s+password:\s+(\S+)", site.setup_output).group(1)
    page.goto("/admin/login/?next=/secretariat/editions/")
    page.fill("#id_username", "secretariat")
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    expect(page.get_by_role("heading", level=1)).to_have_text("Editions of the official document")
    return page


def test_the_secretariat_builds_an_editions_document_from_its_page(page, site):
    signed_in_secretariat(page, site)
    page.get_by_label("Document symbols").fill("INF/TGE/W/60 – INF/MSME/W/61")
    page.get_by_label("Title", exact=True).fill("Browser edition")
    page.get_by_label("Kind").select_option("draft")
    page.get_by_label("Date").fill("2026-05-04")
    page.get_by_role("button", name="Create the edition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("INF/TGE/W/60 – INF/MSME/W/61")

    page.get_by_role("button", name="Freeze the edition").click()
    expect(page.get_by_text("Edition frozen")).to_be_visible()

    page.wait_for_function("() => window.htmx && document.readyState === 'complete'")
    page.get_by_label("PDF").uncheck()
    page.get_by_label("DOCX").check()
    page.get_by_role("button", name="Build the documents").click()
    documents = page.locator("#edition-documents")
    # Built in the background: the page shows it under way (or already over), then htmx
    # replaces that part with the finished state and the file, with no reload.
    expect(documents).to_contain_text(re.compile(r"Waiting to start|Preparing|Building|Finished"))
    expect(documents).to_contain_text("Finished: DOCX built on", timeout=30_000)
    link = documents.get_by_role("link", name="INF-TGE-W-60_INF-MSME-W-61_en.docx")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "INF-TGE-W-60_INF-MSME-W-61_en.docx"
    assert not documents.get_by_role("link", name="Refresh").count()
