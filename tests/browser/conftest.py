"""Browser tests: Debian's Chromium driven by Playwright against a real server of the product."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.served import DEMO_SETUP, Served, clean_environment, serve

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium keeps trying to reach Google's services, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Iterator[Served]:
    var_dir = tmp_path_factory.mktemp("browser-var")
    served = serve(var_dir, setup=DEMO_SETUP, env=clean_environment(VAR_DIR=str(var_dir)))
    yield served
    served.stop()


# Per module, not per session: Playwright's sync API keeps an event loop marked as running in
# the main thread while it is open, and Django then refuses database work in the tests that
# pytest-django runs after these (transactional tests come last).
@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(base_url=site.base, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
