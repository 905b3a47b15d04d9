"""WCAG 2.2 AA on the review pages, checked by axe-core in Chromium. The pages are rendered by the
test client (inside the test's transaction, with the survey data it made) and handed to the
browser with their stylesheets, so no server or second database is needed."""

from __future__ import annotations

import json
import mimetypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

from .conftest import url

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

AXE = (Path(__file__).parents[1] / "browser" / "vendor" / "axe.min.js").read_text(encoding="utf-8")
RUN_AXE = """
async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
  }));
}
"""
ORIGIN = "http://testserver"


@contextmanager
def chromium_page() -> Iterator:
    """Started only once the pages are rendered: Playwright's event loop must not be running
    while the test talks to the database (Django refuses that)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=ORIGIN, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def _static(route, path: str) -> None:
    found = finders.find(path.removeprefix("/static/"))
    if not found:
        route.fulfill(status=404, body="")
        return
    content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
    route.fulfill(status=200, body=Path(found).read_bytes(), content_type=content_type)


def violations_of(page, html: str, path: str) -> list[dict]:
    def answer(route):
        requested = route.request.url.removeprefix(ORIGIN)
        if requested.startswith("/static/"):
            _static(route, requested.split("?")[0])
        else:
            route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8")

    page.unroute("**/*")
    page.route("**/*", answer)
    page.goto(path)
    page.add_script_tag(content=AXE)
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in {"serious", "critical"}]


def test_review_pages_have_no_serious_violations(client, secretariat_user, answered):
    client.force_login(secretariat_user)
    paths = [
        url("review:queue"),
        url("review:queue") + "?status=accepted",
        url("review:proposal", pk=answered.update.pk),
        url("review:proposal", pk=answered.new.pk),
        url("review:proposal", pk=answered.confirm.pk),
        url("review:proposal", pk=answered.withdraw.pk),
        url("review:edit", pk=answered.new.pk),
    ]
    # A page showing errors too.
    rejected = client.post(
        url("review:reject", pk=answered.withdraw.pk),
        {"reject-version": answered.withdraw.version, "reject-note": ""},
    )
    assert rejected.status_code == 400
    pages = [(path, client.get(path)) for path in paths] + [("/error", rejected)]
    assert all(page.status_code in (200, 400) for _path, page in pages)
    rendered = [(path, page.content.decode()) for path, page in pages]
    with chromium_page() as browser_page:
        found = {path: violations_of(browser_page, html, path) for path, html in rendered}
    assert {path: v for path, v in found.items() if v} == {}, json.dumps(found, indent=2)
