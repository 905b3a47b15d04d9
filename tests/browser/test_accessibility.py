"""WCAG 2.2 AA, checked by axe-core in a real browser, on every public page in three languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
PAGES = [
    "/",
    "/search/?q=women&area=ecommerce",
    "/search/?q=zzzznothing",
    "/entries/",
    "/entries/itc-shetrades-initiative/",
    "/economies/",
    "/economies/KEN/",
    "/organizations/itc/",
    "/coverage/",
    "/organizations/",
    "/data/",
]
LANGUAGE_PREFIXES = ["", "/fr", "/es"]
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


@pytest.fixture(scope="module")
def axe_page(browser, site):
    # The site's CSP rightly refuses inline scripts; the test's own context may bypass it to
    # inject axe-core. What is checked is the page as served.
    context = browser.new_context(base_url=site.base, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES)
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_violations(axe_page, prefix, path):
    page = axe_page
    response = page.goto(prefix + path)
    assert response is not None
    assert response.status == 200, f"{prefix + path} answered {response.status}"
    page.add_script_tag(content=AXE)
    violations = page.evaluate(RUN_AXE)
    serious = [v for v in violations if v["impact"] in {"serious", "critical"}]
    assert serious == [], json.dumps(serious, indent=2)
