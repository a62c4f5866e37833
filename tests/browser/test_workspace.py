"""The web workspace in a real browser (Debian's Chromium, driven by Playwright) on a local stack.

A person signs in with the local form, filters, opens a lead, accepts it and declines another
through the forms, marks a favorite; a viewer sees no actions; another partner sees none of
these leads; an action on a lead that changed meanwhile shows its current state. Each view is
scanned with axe-core (no serious or critical violation) and photographed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from leaddesk_local.template import PROJECT_ROOT
from tests.helpers.stack import RunningStack, token

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / ".artifacts" / "screenshots"
DOCS = PROJECT_ROOT / "docs" / "screenshots"
PARTNER = "p-web"
# The widths every view is looked at: a laptop and a phone.
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
COMPANIES = ("Northwind Web", "Litware Web", "Proseware Web")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `apt-get install chromium` (.ci/run installs it)")
    if not (PROJECT_ROOT / "web" / "dist" / "index.html").exists():
        pytest.fail("the web workspace is not built: `make test` builds it (web/: npm ci && npm run build)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def leads(local_stack: RunningStack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Three marketplace leads of the browser's own partner: company → lead id."""
    folder = tmp_path_factory.mktemp("web-events")
    template = json.loads((PROJECT_ROOT / "events" / "new_lead.json").read_text())
    for n, company in enumerate(COMPANIES):
        event = json.loads(json.dumps(template))
        event["detail"] |= {"partner_id": PARTNER, "event_id": f"web-{n}"}
        event["detail"]["UserDetails"] |= {
            "Company": company,
            "Email": f"buyer{n}@{company.split()[0].lower()}.com",
        }
        (folder / f"{n}.json").write_text(json.dumps(event))
    assert local_stack.cli("send", *map(str, sorted(folder.glob("*.json")))).returncode == 0
    bearer = token(local_stack, PARTNER, "viewer")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        items = httpx.get(
            f"{local_stack.api_url}/leads", headers={"Authorization": f"Bearer {bearer}"}, timeout=10
        ).json()["items"]
        found = {item["customer"]["company"]: item["lead_id"] for item in items}
        if set(COMPANIES) <= set(found):
            return found
        time.sleep(0.3)
    raise AssertionError("the browser's leads never arrived")


def sign_in(browser: Browser, stack: RunningStack, partner: str, role: str) -> Page:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{stack.api_url}/app/")
    page.get_by_label("Partner").fill(partner)
    page.get_by_label("Role").click()
    page.get_by_role("option", name={"referrals_admin": "Referrals admin", "viewer": "Viewer"}[role]).click()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Leads")).to_be_visible()
    return page


def no_serious_violation(page: Page, view: str) -> None:
    """axe-core finds no serious or critical violation in the page as it is now laid out."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol: the app's Content-Security-Policy (the
        # one CloudFront sets, `script-src 'self'`) refuses an inline <script> tag, as it should.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    # Fluent's keyboard navigation (Tabster) puts invisible focus sentinels (`data-tabster-dummy`)
    # at the edges of tab lists and dialogs: they pass focus on at once and are never read out,
    # which is why they are aria-hidden; axe's aria-hidden-focus rule cannot know that.
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run({include: [document], exclude: [['[data-tabster-dummy]']]})"
    )
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, (view, [(v["id"], v["impact"], [n["html"] for n in v["nodes"]][:3]) for v in bad])


def accessible(page: Page, view: str) -> None:
    """At a laptop's 1440 px and a phone's 390 px: axe-core finds no serious or critical
    violation, nothing is wider than the screen (a wide table scrolls in its own box), and a
    screenshot of each is kept. The page is left at the width it had."""
    before = page.viewport_size
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for size, name in ((DESKTOP, f"{view}.png"), (PHONE, f"{view}-390.png")):
        page.set_viewport_size(size)
        page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        no_serious_violation(page, f"{view} at {size['width']} px")
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], (view, f"{width} px wide on a {size['width']} px screen", wider(page))
    if before is not None:
        page.set_viewport_size(before)


def keep_for_the_docs(view: str, phone: bool = False) -> None:
    """Refresh docs/screenshots only when asked (`LEADDESK_SCREENSHOTS=docs`): a screenshot
    differs by a few pixels from run to run, and the suite must not dirty the checkout. `phone`:
    the 390 px one too."""
    if os.environ.get("LEADDESK_SCREENSHOTS") == "docs":
        DOCS.mkdir(parents=True, exist_ok=True)
        for name in (f"{view}.png", f"{view}-390.png") if phone else (f"{view}.png",):
            shutil.copyfile(ARTIFACTS / name, DOCS / name)


def test_a_partner_works_leads_in_the_browser(
    browser: Browser, local_stack: RunningStack, leads: dict[str, str]
) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{local_stack.api_url}/app/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    accessible(page, "signin")
    keep_for_the_docs("signin")
    page.close()

    page = sign_in(browser, local_stack, PARTNER, "referrals_admin")
    table = page.get_by_role("table", name="Leads")
    for company in COMPANIES:
        expect(table.get_by_role("link", name=company)).to_be_visible()
    expect(page.get_by_role("tab", name="Marketplace leads")).to_contain_text("3")
    accessible(page, "list")
    keep_for_the_docs("list", phone=True)

    # A filter lives in the address: the customer name filter keeps one lead.
    page.get_by_label("Customer name").fill("litware")
    page.get_by_label("Customer name").press("Tab")
    expect(page).to_have_url(re.compile(r"customer_name=litware"))
    expect(table.get_by_role("row")).to_have_count(2)  # the header and Litware
    page.get_by_role("button", name="Clear filters").click()
    expect(table.get_by_role("link", name="Northwind Web")).to_be_visible()

    # Open a lead; the form checks required fields before sending, then the lead is accepted.
    table.get_by_role("link", name="Northwind Web").click()
    expect(page.get_by_role("heading", name="Northwind Web")).to_be_visible()
    accessible(page, "lead")
    keep_for_the_docs("lead")
    page.get_by_role("button", name="Accept").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Accept").click()
    expect(dialog.get_by_text("Deal name is required")).to_be_visible()
    accessible(page, "accept-form")
    keep_for_the_docs("accept-form")
    dialog.get_by_label("Deal name").fill("Northwind rollout")
    dialog.get_by_label("Estimated value").fill("25000")
    dialog.get_by_label("Estimated close date").fill("2027-03-31")
    dialog.get_by_role("button", name="Accept").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Accepted", exact=True).first).to_be_visible()
    expect(page.get_by_role("button", name="Qualify")).to_be_visible()  # the accepted lead's actions

    # Back in the list: decline another lead with a reason.
    page.get_by_role("link", name="Back to the list").click()
    page.get_by_role("table", name="Leads").get_by_role("link", name="Litware Web").click()
    page.get_by_role("button", name="Decline").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Reason").click()
    page.get_by_role("option", name="Customer chose another vendor").click()
    dialog.get_by_role("button", name="Decline").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Declined", exact=True)).to_be_visible()

    # The heart: the lead joins the favorites tab.
    page.get_by_role("link", name="Back to the list").click()
    page.get_by_role("button", name="Mark Proseware Web as favorite").click()
    expect(page.get_by_role("button", name="Remove Proseware Web from favorites")).to_be_visible()
    page.get_by_role("tab", name="Favorites").click()
    expect(page.get_by_role("table", name="Leads").get_by_role("link", name="Proseware Web")).to_be_visible()
    page.close()


def test_a_viewer_sees_no_action_and_another_partner_sees_none_of_the_leads(
    browser: Browser, local_stack: RunningStack, leads: dict[str, str]
) -> None:
    viewer = sign_in(browser, local_stack, PARTNER, "viewer")
    viewer.get_by_role("table", name="Leads").get_by_role("link", name="Proseware Web").click()
    expect(viewer.get_by_role("heading", name="Proseware Web")).to_be_visible()
    expect(viewer.get_by_role("group", name="Actions")).to_have_count(0)
    for action in ("Accept", "Decline", "Close as error"):
        expect(viewer.get_by_role("button", name=action)).to_have_count(0)
    viewer.get_by_role("link", name="Back to the list").click()
    expect(viewer.get_by_role("table", name="Leads")).to_be_visible()
    expect(viewer.get_by_role("button", name="Export")).to_have_count(0)
    viewer.close()

    other = sign_in(browser, local_stack, "p-web-other", "referrals_admin")
    expect(other.get_by_text("No leads in this tab yet.")).to_be_visible()
    other.goto(f"{local_stack.api_url}/app/leads/{leads['Proseware Web']}")
    expect(other.get_by_role("heading", name="This lead cannot be found")).to_be_visible()
    accessible(other, "not-found")
    other.get_by_role("link", name="Back to the list").click()
    expect(other.get_by_role("table", name="Leads")).to_have_count(0)
    expect(other.get_by_role("heading", name="Leads")).to_be_visible()
    other.close()


def test_a_filtered_list_is_exported_and_downloaded(
    browser: Browser, local_stack: RunningStack, leads: dict[str, str], tmp_path: Path
) -> None:
    page = sign_in(browser, local_stack, PARTNER, "referrals_admin")
    page.goto(f"{local_stack.api_url}/app/?customer_name=web&sort=customer_name")
    expect(page.get_by_role("table", name="Leads").get_by_role("link", name="Litware Web")).to_be_visible()
    page.get_by_role("button", name="Export").click()
    expect(page.get_by_role("heading", name="Export")).to_be_visible()
    download_link = page.get_by_role("link", name="Download CSV")
    expect(download_link).to_be_visible(timeout=30_000)
    accessible(page, "export")
    keep_for_the_docs("export")
    with page.expect_download() as download:
        download_link.click()
    saved = tmp_path / "export.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"), newline="")))
    assert [row["CustomerCompany"] for row in rows] == sorted(COMPANIES)  # the list's filter and sort
    page.get_by_role("link", name="All exports").click()
    expect(page.get_by_role("table", name="Exports").get_by_text("Ready").first).to_be_visible()
    accessible(page, "exports")
    page.close()


def test_the_action_center_and_the_settings(
    browser: Browser, local_stack: RunningStack, leads: dict[str, str]
) -> None:
    page = sign_in(browser, local_stack, PARTNER, "referrals_admin")
    action_center = page.get_by_role("link", name=re.compile("Action center"))
    expect(action_center).to_contain_text(re.compile(r"\d"))  # the unread badge
    action_center.click()
    expect(page.get_by_role("heading", name="Action center")).to_be_visible()
    feed = page.get_by_role("list", name="Notifications")
    expect(feed.get_by_text("New lead").first).to_be_visible()
    accessible(page, "notifications")
    keep_for_the_docs("notifications")
    unread = page.get_by_text(re.compile(r"^\d+ unread$"))
    before = int(unread.inner_text().split()[0])
    feed.get_by_role("button", name="Mark read").first.click()
    expect(unread).to_have_text(f"{before - 1} unread")
    page.get_by_role("button", name="Mark all read").click()
    expect(unread).to_have_text("0 unread")

    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Notification settings")).to_be_visible()
    page.get_by_label("Referral admins").fill("ana@web-partner.com\nnot an address")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("is not an email address")).to_be_visible()  # checked before sending
    page.get_by_label("Referral admins").fill("ana@web-partner.com\nbo@web-partner.com")
    page.get_by_label("Business-profile locations").fill("DE kontakt@web-partner.de")
    page.get_by_label("Email language").click()
    page.get_by_role("option", name="Français").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    accessible(page, "settings")
    keep_for_the_docs("settings")
    bearer = token(local_stack, PARTNER, "viewer")
    saved = httpx.get(f"{local_stack.api_url}/settings", headers={"Authorization": f"Bearer {bearer}"}).json()
    assert saved["referral_admin_emails"] == ["ana@web-partner.com", "bo@web-partner.com"]
    assert saved["locations"] == {"DE": "kontakt@web-partner.de"} and saved["language"] == "fr"
    page.close()

    viewer = sign_in(browser, local_stack, PARTNER, "viewer")
    viewer.goto(f"{local_stack.api_url}/app/settings")
    expect(viewer.get_by_text("Only referral and profile admins")).to_be_visible()
    expect(viewer.get_by_role("button", name="Save")).to_have_count(0)
    viewer.close()


def test_an_action_on_a_lead_that_changed_shows_its_current_state(
    browser: Browser, local_stack: RunningStack, leads: dict[str, str]
) -> None:
    lead_id = leads["Proseware Web"]
    page = sign_in(browser, local_stack, PARTNER, "referrals_admin")
    page.goto(f"{local_stack.api_url}/app/leads/{lead_id}")
    expect(page.get_by_role("button", name="Accept")).to_be_visible()
    # Meanwhile a colleague closes it as an error.
    bearer = token(local_stack, PARTNER)
    answer = httpx.post(
        f"{local_stack.api_url}/leads/{lead_id}/close-as-error",
        headers={"Authorization": f"Bearer {bearer}"},
        json={"reason": "duplicate"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    page.get_by_role("button", name="Accept").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Deal name").fill("Too late")
    dialog.get_by_label("Estimated value").fill("1")
    dialog.get_by_label("Estimated close date").fill("2027-01-31")
    dialog.get_by_role("button", name="Accept").click()
    expect(dialog.get_by_text("Someone else changed this lead")).to_be_visible()
    expect(dialog).to_contain_text("Archived")
    accessible(page, "conflict")
    dialog.get_by_role("button", name="Reload the lead").click()
    expect(page.get_by_text("Closed as error", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Accept")).to_have_count(0)
    page.close()


def test_an_expired_session_returns_to_sign_in(
    browser: Browser, local_stack: RunningStack, leads: dict[str, str]
) -> None:
    page = sign_in(browser, local_stack, PARTNER, "viewer")
    # The frame's badge, asked once the list is painted, has its answer: the tab's request is next.
    page.wait_for_function(
        "() => performance.getEntriesByType('resource')"
        ".some((e) => e.name.includes('/notifications?') && e.responseEnd > 0)"
    )
    # The token goes bad (as it does when it expires): the next request answers 401.
    page.evaluate(
        "() => sessionStorage.setItem('leaddesk.session', sessionStorage.getItem('leaddesk.session') + 'x')"
    )
    page.get_by_role("tab", name="Qualified leads").click()
    expect(page.get_by_text("Your session has expired")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.close()


def a_qualified_lead(stack: RunningStack, partner: str, folder: Path) -> str:
    """The sample sales-qualified lead (85,000 EUR, campaign FY27-ERP-EMEA, a referrer, the
    customer asking to be contacted) sent to `partner`; its id once the API lists it."""
    event = json.loads((PROJECT_ROOT / "events" / "inbound" / "05_qualified_sales.json").read_text())
    event["detail"] |= {"partner_id": partner, "event_id": f"{partner}-qualified"}
    (folder / "qualified.json").write_text(json.dumps(event))
    assert stack.cli("send", str(folder / "qualified.json")).returncode == 0
    bearer = token(stack, partner, "viewer")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        items = httpx.get(
            f"{stack.api_url}/leads?tab=qualified", headers={"Authorization": f"Bearer {bearer}"}, timeout=10
        ).json()["items"]
        if items:
            return str(items[0]["lead_id"])
        time.sleep(0.3)
    raise AssertionError("the qualified lead never arrived")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1440px", "390px"])
def test_a_qualified_lead_is_worked_from_received_to_won_with_a_team_without_retyping(
    browser: Browser, local_stack: RunningStack, tmp_path: Path, viewport: dict[str, int]
) -> None:
    partner = f"p-day-{viewport['width']}"
    a_qualified_lead(local_stack, partner, tmp_path)
    page = sign_in(browser, local_stack, partner, "referrals_admin")
    page.set_viewport_size(viewport)
    phone = viewport == PHONE

    # The work queue: received leads, expiring soonest first, with the time left.
    page.get_by_role("tab", name=re.compile("Qualified leads")).click()
    page.get_by_role("button", name=re.compile("Needs response")).press("Enter")
    expect(page).to_have_url(re.compile(r"status=received"))
    row = page.get_by_role("table", name="Leads").get_by_role("row").filter(has_text="Northwind Traders")
    expect(row).to_contain_text("in 13 days")
    expect(page.get_by_role("status").filter(has_text=re.compile(r"^1 of 1$"))).to_be_visible()
    if phone:  # the filters fold away on a phone, behind a button
        expect(page.get_by_role("form", name="Filters")).to_be_hidden()
        page.get_by_role("button", name=re.compile("^Filters")).click()
        expect(page.get_by_role("form", name="Filters").get_by_label("Customer name")).to_be_visible()
    row.get_by_role("link", name="Northwind Traders").press("Enter")

    # Contact first: the flame alert, links to write and call, the referrer.
    expect(page.get_by_role("heading", name="Northwind Traders")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Contact the customer as quickly as possible")
    expect(page.get_by_role("link", name="+31 20 123 4567")).to_have_attribute("href", "tel:+31201234567")
    expect(page.get_by_role("link", name="daan.devries@northwindtraders.nl")).to_have_attribute(
        "href", "mailto:daan.devries@northwindtraders.nl"
    )
    expect(page.get_by_text("Liam Peeters (operator's seller)")).to_be_visible()
    if not phone:
        accessible(page, "lead-flame")
        keep_for_the_docs("lead-flame", phone=True)

    # Accept opens with what the lead carries; the team is added in the same form.
    page.get_by_role("button", name="Accept").press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Estimated value")).to_have_value("85000")
    expect(dialog.get_by_role("combobox", name="Currency")).to_have_value("EUR — Euro")
    expect(dialog.get_by_label("Campaign id")).to_have_value("FY27-ERP-EMEA")
    dialog.get_by_label("Deal name").fill("ERP integration")
    dialog.get_by_label("Estimated close date").fill("2027-03-31")
    dialog.get_by_label("Team member name").fill("Ana Team")
    dialog.get_by_label("Team member email").fill("ana@day-partner.com")
    dialog.get_by_label("Team member phone").fill("+36 1 234 5678")
    dialog.get_by_role("button", name="Add team member").press("Enter")
    expect(dialog.get_by_role("button", name="Remove Ana Team")).to_be_visible()
    if not phone:
        accessible(page, "accept-form")
        keep_for_the_docs("accept-form")
    dialog.get_by_label("Deal name").press("Enter")  # Enter in a field sends the form
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("€85,000.00")).to_be_visible()  # the lead's amount, in its currency
    expect(page.get_by_role("link", name="+36 1 234 5678")).to_have_attribute("href", "tel:+3612345678")

    # Won and convert are visible but wait for the qualification and the evaluation.
    won = page.get_by_role("button", name="Won")
    expect(won).to_have_attribute("aria-disabled", "true")
    expect(page.get_by_text("Won and Convert need qualification and evaluation")).to_be_visible()

    # Edit opens with the current values and saves only what changed.
    page.get_by_role("button", name="Edit").press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Deal name")).to_have_value("ERP integration")
    dialog.get_by_label("CRM id").fill("CRM-42")
    dialog.get_by_label("CRM id").press("Enter")
    expect(dialog).to_be_hidden()
    history = page.get_by_role("list", name="History")
    expect(history).to_contain_text("CRM id: — → CRM-42")
    expect(history).to_contain_text(f"Edit by {partner}-referrals_admin")
    expect(page.get_by_text("€85,000.00")).to_be_visible()  # untouched: still in euros

    page.get_by_role("button", name="Qualify").press("Enter")
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("radio", name="Yes").check()
    dialog.get_by_role("button", name="Qualify").press("Enter")
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Evaluate").press("Enter")
    dialog = page.get_by_role("dialog")
    for field, option in (("Budget", "Will buy"), ("Need", "Must have"), ("Timeline", "This quarter")):
        dialog.get_by_role("combobox", name=re.compile(f"^{field}")).press("Enter")
        page.get_by_role("option", name=option).click()
    dialog.get_by_role("radio", name="Yes").check()
    dialog.get_by_role("button", name="Evaluate").press("Enter")
    expect(dialog).to_be_hidden()

    expect(won).not_to_have_attribute("aria-disabled", "true")
    won.press("Enter")
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Won").press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Won", exact=True).first).to_be_visible()
    # Role queries skip what a dialog hides (`aria-hidden` on the page while it is open): the
    # heading found by its role means the page is back in the accessibility tree.
    expect(page.get_by_role("heading", name="Northwind Traders")).to_be_visible()
    if not phone:
        accessible(page, "lead")
        keep_for_the_docs("lead", phone=True)

    # Back in the list, the archived row says how it ended.
    page.get_by_role("link", name="Back to the list").click()
    page.get_by_role("button", name=re.compile("Needs response")).click()  # leave the queue
    row = page.get_by_role("table", name="Leads").get_by_role("row").filter(has_text="Northwind Traders")
    expect(row).to_contain_text("Won")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], (f"{width} px wide on a {viewport['width']} px screen", wider(page))
    page.close()


def wider(page: Page) -> list[str]:
    """The elements reaching past the window's right edge (what makes a page scroll sideways)."""
    found: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 8)
            .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""
    )
    return found
