"""A focal point answers the survey in a real browser: open the personal link, answer a section,
confirm one recorded entry, correct one, withdraw one, add one, close the browser half-way and
come back through the link, then submit."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Page, expect

from tests.served import clean_environment, compendium

pytestmark = pytest.mark.browser

LINK = re.compile(r"^CHL\t.*\t(?:https?://[^/]+)(/survey/link/[\w-]+/)$", re.MULTILINE)


@pytest.fixture(scope="module")
def chile_link(site) -> str:
    """A round in the served site's own database, and Chile's personal link (its path)."""
    env = clean_environment(VAR_DIR=str(site.var_dir))
    compendium(
        "survey_open",
        "--title",
        "Browser journey survey",
        "--slug",
        "journey",
        "--deadline",
        "2030-12-31",
        env=env,
    )
    output = compendium("survey_invite", "--round", "journey", "--economy", "CHL", env=env).stdout
    match = LINK.search(output)
    assert match, output
    return match.group(1)


def ready_to_type(page: Page) -> None:
    """A form page loaded with htmx at work (a click returns before the next page has loaded)."""
    page.wait_for_function("() => window.htmx && document.readyState === 'complete'")


def saved_automatically(page: Page, text: str):
    """Wait for the automatic save that carries `text` (1.5 s after the typing stops)."""

    def carries_text(response) -> bool:
        posted = parse_qs(response.request.post_data or "")
        return "/autosave/" in response.url and any(text in v for v in posted.values())

    return page.expect_response(carries_text, timeout=8_000)


def test_focal_point_answers_comes_back_and_submits(browser, site, chile_link):
    context = browser.new_context(base_url=site.base, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto(chile_link)
    expect(page).to_have_url(re.compile(r"/survey/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chile")
    expect(page.get_by_text("Not started").first).to_be_visible()

    # A section: typed answers are saved automatically (htmx), then with the button.
    page.get_by_role("link", name="Contact details").click()
    ready_to_type(page)
    page.get_by_label("Full name").fill("Ana Pérez")
    page.get_by_label("Ministry, agency or organisation").fill("SUBREI")
    with saved_automatically(page, "ana@chile.example"):
        page.get_by_label("Email address").fill("ana@chile.example")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved at")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your overall approach")
    page.get_by_role("link", name="Survey", exact=True).click()
    expect(page.locator(".task-list__item").first).to_contain_text("Completed")

    # Policies: confirm one, correct one, withdraw one.
    page.get_by_role("link", name="Policies, initiatives and programmes").click()
    cards = page.locator("article.policy-card")
    recorded = cards.count()
    assert recorded >= 3
    titles = [cards.nth(i).locator("h3").first.inner_text() for i in range(3)]
    cards.nth(0).get_by_role("button", name=re.compile("Confirm unchanged")).click()
    expect(page.locator(f"#{cards.nth(0).get_attribute('id')}")).to_contain_text(
        "Confirmed unchanged"
    )

    cards.nth(1).get_by_role("link", name=re.compile("^Correct")).click()
    expect(page.get_by_text("Recorded now:").first).to_be_visible()
    ready_to_type(page)
    title = page.get_by_label("Name of the policy, initiative or programme")
    with saved_automatically(page, titles[1] + " (corrected)"):
        title.fill(titles[1] + " (corrected)")
    page.get_by_role("button", name="Save and return to the list").click()
    expect(page.get_by_text(titles[1] + " (corrected)").first).to_be_visible()

    page.locator("article.policy-card").nth(2).get_by_role(
        "link", name=re.compile("^Withdraw")
    ).click()
    page.get_by_role("button", name="Withdraw it").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why it should be withdrawn.")
    page.get_by_label("Why should it be withdrawn?").fill("It ended in 2020.")
    page.get_by_role("button", name="Withdraw it").click()
    expect(page.get_by_text("You asked to withdraw").first).to_be_visible()

    # A new policy, typed and saved automatically; then the tab is closed at once, before the
    # next automatic save would start (what was typed last goes with a beacon).
    page.goto("/survey/policies/new/")
    ready_to_type(page)
    with saved_automatically(page, "Mujer Exporta Digital"):
        page.get_by_label("Name of the policy, initiative or programme").fill(
            "Mujer Exporta Digital"
        )
    page.get_by_label("Description").fill("Online export training for women-led firms.")
    page.close(run_before_unload=True)
    context.close()

    # Back through the link in a fresh browser: everything is still there.
    context = browser.new_context(base_url=site.base, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(chile_link)
    expect(page.locator(".task-list")).to_contain_text(
        f"{recorded - 3} to review, 1 confirmed, 1 corrected, 1 withdrawn, 1 new"
    )
    page.get_by_role("link", name="Policies, initiatives and programmes").click()
    expect(page.get_by_text("Mujer Exporta Digital", exact=True)).to_be_visible()
    expect(page.get_by_text(titles[1] + " (corrected)").first).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Change\s*:\s*Mujer Exporta Digital")).click()
    expect(page.get_by_label("Description")).to_have_value(
        "Online export training for women-led firms."
    )
    page.get_by_label("Training or capacity building").check()
    page.get_by_label("Export preparedness and support").check()
    page.get_by_label("Women-led MSMEs").check()
    page.get_by_label("Women-specific (principal objective)").check()
    page.get_by_label("Active", exact=True).check()
    page.get_by_role("button", name="Save and return to the list").click()
    expect(page).to_have_url(re.compile(r"/survey/policies/$"), timeout=15_000)
    expect(page.get_by_role("status").first).to_contain_text("was saved")

    # The last part, then check and submit.
    page.goto("/survey/section/final/")
    page.get_by_label("I confirm the information can be published").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/survey/check/$"))
    expect(page.get_by_text("Ana Pérez").first).to_be_visible()
    page.get_by_role("button", name="Submit the response").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Response submitted")
    expect(page.locator(".panel__reference")).to_have_text(re.compile(r"^JOURNEY-CHL-\w{6}$"))
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download a receipt")).click()
    assert download.value.suggested_filename.startswith("receipt-journey-chl-")
    context.close()

    # The secretariat decides: accepts the correction and the withdrawal, asks for changes on the
    # new policy, rejects the confirmation; the public site then shows exactly what was accepted.
    curator = secretariat_page(browser, site)
    corrected = titles[1] + " (corrected)"
    public = {
        "confirmed": decide(
            curator, titles[0], "reject", "Not confirmed by the Ministry's records."
        ),
        "corrected": decide(curator, corrected, "accept"),
        "withdrawn": decide(curator, titles[2], "accept"),
    }
    decide(curator, "Mujer Exporta Digital", "changes", "Please add the budget.")
    curator.context.close()

    visitor = browser.new_context(base_url=site.base, locale="en-GB").new_page()
    visitor.goto(public["corrected"])
    expect(visitor.get_by_role("heading", level=1)).to_have_text(corrected)
    visitor.goto(public["confirmed"])
    expect(visitor.get_by_role("heading", level=1)).to_have_text(titles[0])
    assert visitor.goto(public["withdrawn"]).status == 404
    visitor.goto("/search/?q=%22Mujer+Exporta+Digital%22")
    expect(visitor.get_by_text("0 entries found.")).to_be_visible()  # not accepted: not public
    visitor.context.close()

    # The focal point sees the request on the new policy in the reopened response.
    context = browser.new_context(base_url=site.base, locale="en-GB")
    page = context.new_page()
    page.goto(chile_link)
    expect(page.locator(".change-requests")).to_contain_text("Mujer Exporta Digital")
    context.close()


def secretariat_page(browser, site) -> Page:
    password = re.search(r"secretariat\s+password:\s+(\S+)", site.setup_output).group(1)
    page = browser.new_context(base_url=site.base, locale="en-GB").new_page()
    page.set_default_timeout(10_000)
    page.goto("/admin/login/?next=/secretariat/review/")
    page.fill("#id_username", "secretariat")
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    return page


def decide(page: Page, title: str, decision: str, note: str = "") -> str:
    """Open the proposal from the queue, take the decision; returns its entry's public address
    (read before deciding: a withdrawn entry has none afterwards)."""
    page.goto("/secretariat/review/")
    page.get_by_role("link", name=title, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    public = page.locator(".review-entry a[href*='/entries/']")
    href = public.first.get_attribute("href") if public.count() else ""
    if decision == "accept":
        page.get_by_role("button", name="Accept", exact=True).click()
        expect(page.get_by_role("status").first).to_contain_text("Accepted")
    elif decision == "changes":
        page.get_by_label("What should the respondent change?").fill(note)
        page.get_by_role("button", name="Ask for changes").click()
        expect(page.get_by_role("status").first).to_contain_text("Changes asked")
    else:
        page.get_by_label("Why is it rejected?").fill(note)
        page.get_by_role("button", name="Reject").click()
        expect(page.get_by_role("status").first).to_contain_text("Rejected")
    return href


AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
RUN_AXE = """
async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
  });
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v => ({
    id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
  }));
}
"""


def serious_violations(page: Page) -> list[dict]:
    page.add_script_tag(content=AXE)
    return page.evaluate(RUN_AXE)


def test_survey_and_dashboard_pages_pass_axe(browser, site, chile_link):
    env = clean_environment(VAR_DIR=str(site.var_dir))
    output = compendium("survey_invite", "--round", "journey", "--economy", "KEN", env=env).stdout
    kenya_link = re.search(r"(/survey/link/[\w-]+/)", output).group(1)
    # axe-core is injected by the test (the site's CSP rightly refuses inline scripts).
    context = browser.new_context(base_url=site.base, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(kenya_link)
    found = {}
    page.goto("/survey/section/respondent/")
    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found["section with an error"] = serious_violations(page)
    for path in [
        "/survey/",
        "/fr/survey/",
        "/survey/policies/",
        "/survey/policies/new/",
        "/survey/spreadsheet/",
    ]:
        page.goto(path)
        found[path] = serious_violations(page)
    page.goto("/survey/policies/")
    page.get_by_role("link", name=re.compile("^Correct")).first.click()
    expect(page.get_by_text("Recorded now:").first).to_be_visible()
    found["a recorded policy"] = serious_violations(page)
    page.goto("/survey/check/")
    page.get_by_role("button", name="Submit the response").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found["check with problems"] = serious_violations(page)
    page.goto("/survey/spreadsheet/")
    page.get_by_label("Workbook (.xlsx)").set_input_files(
        files=[{"name": "broken.xlsx", "mimeType": "application/octet-stream", "buffer": b"no"}]
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot be read as an Excel workbook")
    found["spreadsheet upload refused"] = serious_violations(page)
    page.goto("/survey/colleagues/")
    found["colleagues"] = serious_violations(page)

    password = re.search(r"secretariat\s+password:\s+(\S+)", site.setup_output).group(1)
    page.goto("/admin/login/?next=/secretariat/surveys/")
    page.fill("#id_username", "secretariat")
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    expect(page.get_by_role("heading", level=1)).to_have_text("Survey rounds")
    found["rounds"] = serious_violations(page)
    page.goto("/secretariat/surveys/journey/")
    found["round"] = serious_violations(page)
    context.close()
    assert {where: v for where, v in found.items() if v} == {}
