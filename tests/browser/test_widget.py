"""The widget in a real browser, inside a partner's page served from another origin: the one-line
script snippet and the plain iframe both show the entries; other pages refuse to be framed."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

PARTNER_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Partner site</title></head>
<body>
<h1>A ministry's page about women in e-commerce</h1>
<div id="by-script">
{script}
</div>
<div id="by-iframe">
<iframe id="plain" src="{widget}" title="Compendium entries" width="100%" height="400"></iframe>
</div>
<div id="forbidden">
<iframe id="search" src="{search}" title="Search page" width="100%" height="200"></iframe>
</div>
</body></html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def partner(tmp_path: Path, site) -> Iterator[str]:
    """A partner's page on another origin (another port) with both snippets."""
    script = (
        f'<script src="{site.base}/static/publishing/embed.js" data-compendium-embed '
        'data-lang="fr" data-query="area=ecommerce" data-height="500" async></script>'
    )
    (tmp_path / "partner.html").write_text(
        PARTNER_PAGE.format(
            script=script,
            widget=f"{site.base}/embed/entries/?q=women&page_size=5",
            search=f"{site.base}/search/",
        ),
        encoding="utf-8",
    )
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/partner.html"
    server.shutdown()
    server.server_close()


def test_widget_renders_inside_a_page_on_another_origin(page, partner, site):
    assert not partner.startswith(site.base)
    page.goto(partner)
    inserted = page.locator("#by-script iframe.compendium-embed")
    expect(inserted).to_have_count(1)
    assert inserted.get_attribute("src") == f"{site.base}/fr/embed/entries/?area=ecommerce"
    widget = page.frame_locator("#by-script iframe.compendium-embed")
    expect(widget.locator(".cw-title").first).to_be_visible()
    expect(widget.locator("html")).to_have_attribute("lang", "fr")
    assert widget.locator(".cw-title").count() >= 1
    # Labels from the taxonomy in the chosen language (new strings wait for the translators).
    expect(widget.locator(".cw-filters")).to_contain_text("Commerce électronique")

    plain = page.frame_locator("#plain")
    expect(plain.locator(".cw-title").first).to_be_visible()
    assert plain.locator(".cw-title").count() == 5
    # Links open the compendium itself in a new tab, never inside the partner's frame.
    assert plain.locator(".cw-title").first.get_attribute("href").startswith("/entries/")
    expect(plain.locator("base")).to_have_attribute("target", "_blank")


def test_other_pages_refuse_to_be_framed(page, partner):
    page.goto(partner)
    expect(page.frame_locator("#plain").locator(".cw-title").first).to_be_visible()
    search = page.frame(url=lambda url: "/search/" in url)
    # The browser blocks the frame: the search page's form never appears in it.
    assert search is None or search.locator("input[name=q]").count() == 0
