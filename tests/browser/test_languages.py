"""The workspace in each of its languages, in a real browser on one local stack.

For each of the six languages a person picks it in the picker on the sign-in page, signs in and
visits every page (the list, a lead, an action form, an export, the exports, the action center,
the settings): no visible text is an English label (compared with the English catalog), the
choice is kept from one visit to the next and `<html lang>` follows it, and axe-core finds no
serious or critical violation. The pseudo-locale (en-XA: accented, a third longer) shows any text
that does not come from the catalogs, and any label its longer text pushes out of its box.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from leaddesk_local.template import PROJECT_ROOT
from tests.browser.test_workspace import CHROMIUM, CHROMIUM_ARGS, DESKTOP, accessible
from tests.helpers.stack import RunningStack, token

pytestmark = pytest.mark.e2e

MESSAGES = PROJECT_ROOT / "web" / "src" / "i18n" / "messages"
LANGUAGES = {
    "en": "English",
    "fr": "Français",
    "it": "Italiano",
    "nl": "Nederlands",
    "hu": "Magyar",
    "tr": "Türkçe",
}
PSEUDO = "en-XA"
PARTNER = "p-i18n"
COMPANIES = ("Fabrikam Lingua", "Tailspin Lingua")
# Names no language translates: the product, and each language's own name in the picker.
PROPER_NOUNS = {"LeadDesk", *LANGUAGES.values()}


def catalog(language: str) -> dict[str, str]:
    messages: dict[str, str] = json.loads((MESSAGES / f"{language}.json").read_text(encoding="utf-8"))
    return messages


def literal(message: str) -> str:
    """A message's own words, without arguments, plurals or tags ("{count} unread" → " unread")."""
    depth, kept = 0, []
    for character in re.sub(r"</?\w+>", "", message):
        depth += character == "{"
        if depth == 0:
            kept.append(character)
        depth -= character == "}"
    return "".join(kept)


def english_only(language: str) -> tuple[set[str], set[str]]:
    """The English catalog's labels, and its longer phrases, that `language` writes otherwise:
    seeing one in that language is a label left in English."""
    english, translated = catalog("en"), catalog(language)
    theirs = {literal(text).strip() for text in translated.values()}
    labels = {
        text
        for key, text in english.items()
        if "{" not in text and translated[key] != text and text not in theirs
    }
    phrases = set()
    for text in english.values():
        for part in re.split(r"\s*[{}<>]\s*", literal(text) if "{" in text else text):
            fragment = part.strip(" .,:;()—–-")
            if len(fragment) >= 10 and " " in fragment and not any(fragment in their for their in theirs):
                phrases.add(fragment)
    return labels, phrases


VISIBLE_TEXTS = """() => {
  const seen = [];
  const visible = (element) =>
    element && element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    const parent = node.parentElement;
    if (text && visible(parent) && !parent.closest("script,style")) seen.push(text);
  }
  for (const element of document.querySelectorAll("[aria-label],[placeholder],[title],[alt]")) {
    if (!visible(element)) continue;
    for (const name of ["aria-label", "placeholder", "title", "alt"]) {
      const value = element.getAttribute(name);
      if (value && value.trim()) seen.push(value.replace(/\\s+/g, " ").trim());
    }
  }
  seen.push(document.title);
  return seen;
}"""

# Labels whose text no longer fits their box: a button, tab, heading or label that clips.
CLIPPED = """() => [
  ...document.querySelectorAll("button, [role=tab], th, label, h1, h2, a, .fui-MessageBarTitle"),
]
  .filter((element) => element.checkVisibility())
  .filter((element) => {
    const style = getComputedStyle(element);
    const clips = ["hidden", "clip"].includes(style.overflowX) || style.textOverflow === "ellipsis";
    return clips && element.scrollWidth > element.clientWidth + 1;
  })
  .map((element) => element.outerHTML.slice(0, 160))"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One browser for the module's tests."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def setting(local_stack: RunningStack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Two leads of the partner (one accepted, with a deal in euros), a finished export, and the
    action center's items: what every page shows."""
    folder = tmp_path_factory.mktemp("i18n-events")
    template = json.loads((PROJECT_ROOT / "events" / "new_lead.json").read_text())
    for n, company in enumerate(COMPANIES):
        event = json.loads(json.dumps(template))
        event["detail"] |= {"partner_id": PARTNER, "event_id": f"i18n-{n}"}
        event["detail"]["UserDetails"] |= {
            "Company": company,
            "Email": f"buyer{n}@{company.split()[0].lower()}.com",
        }
        (folder / f"{n}.json").write_text(json.dumps(event))
    assert local_stack.cli("send", *map(str, sorted(folder.glob("*.json")))).returncode == 0
    headers = {"Authorization": f"Bearer {token(local_stack, PARTNER)}"}
    api = httpx.Client(base_url=local_stack.api_url, headers=headers, timeout=10)
    found: dict[str, str] = {}
    deadline = time.monotonic() + 30
    while set(found) < set(COMPANIES) and time.monotonic() < deadline:
        found = {item["customer"]["company"]: item["lead_id"] for item in api.get("/leads").json()["items"]}
        time.sleep(0.3)
    assert set(found) >= set(COMPANIES), "the leads never arrived"
    accepted = api.post(
        f"/leads/{found['Tailspin Lingua']}/accept",
        json={
            "deal_name": "Tailspin rollout",
            "estimated_value": 125000.5,
            "currency": "EUR",
            "estimated_close_date": "2027-03-31",
        },
    )
    assert accepted.status_code == 200, accepted.text
    started = api.post("/exports", json={"tab": "marketplace"})
    assert started.status_code in (200, 201, 202), started.text
    export_id = started.json()["export_id"]
    while time.monotonic() < deadline + 30:
        job = api.get(f"/exports/{export_id}").json()
        notifications = api.get("/notifications").json()["items"]
        if job["status"] == "succeeded" and len(notifications) >= 2:
            break
        time.sleep(0.3)
    else:
        raise AssertionError("the export or the action center's items never came")
    return {"received": found["Fabrikam Lingua"], "accepted": found["Tailspin Lingua"], "export": export_id}


@contextmanager
def opened(browser: Browser, stack: RunningStack, init_script: str | None = None) -> Iterator[Page]:
    """The sign-in page in a fresh browser context (nothing kept from another test)."""
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.goto(f"{stack.api_url}/app/")
    try:
        yield page
    finally:
        context.close()


def no_english(page: Page, language: str, view: str) -> None:
    labels, phrases = english_only(language)
    seen = page.evaluate(VISIBLE_TEXTS)
    left = sorted(
        {text for text in seen if text in labels}
        | {phrase for phrase in phrases for text in seen if phrase in text}
    )
    assert not left, (language, view, left)
    assert page.evaluate("document.documentElement.lang") == language, (language, view)


def visit(page: Page, stack: RunningStack, path: str, ready: str) -> None:
    """Open `path` afresh (the app starts again, from the kept language) and wait for `ready`."""
    page.goto(f"{stack.api_url}/app{path}")
    expect(page.locator(ready).first).to_be_visible(timeout=15_000)


def every_page(page: Page, stack: RunningStack, setting: dict[str, str], language: str, check: Any) -> None:
    """Sign in in `language`, then visit every page, calling `check(view)` on each."""
    texts = catalog(language) if language != PSEUDO else None

    def t(key: str) -> str:
        return texts[key] if texts else catalog("en")[key]

    expect(page.locator("form.signin-form")).to_be_visible()
    if language != PSEUDO:
        page.get_by_role("combobox", name=catalog("en")["language.picker"]).click()
        page.get_by_role("option", name=LANGUAGES[language]).click()
        expect(page.get_by_role("button", name=t("signin.submit"))).to_be_visible()
    check("signin")
    page.locator("form.signin-form input").first.fill(PARTNER)
    page.locator("form.signin-form button[type=submit]").click()
    expect(page.locator("table.leads")).to_be_visible(timeout=15_000)
    expect(page.locator("table.leads a", has_text=COMPANIES[0])).to_be_visible()
    check("list")

    visit(page, stack, f"/leads/{setting['accepted']}", "article.lead h1")
    expect(page.locator("article.lead")).to_contain_text("Tailspin rollout")
    check("lead")

    visit(page, stack, f"/leads/{setting['received']}", "article.lead .actions button")
    page.locator("article.lead .actions button").first.click()  # Accept
    dialog = page.get_by_role("dialog")
    dialog.locator("button[type=submit]").click()  # nothing filled in: the form says what is missing
    expect(dialog.locator(".fui-Field__validationMessage").first).to_be_visible()
    check("action-form")
    page.keyboard.press("Escape")

    visit(page, stack, f"/exports/{setting['export']}", "a[download]")
    check("export")
    visit(page, stack, "/exports", "table.leads tbody tr")
    check("exports")
    visit(page, stack, "/notifications", "ul.feed li")
    check("notifications")
    visit(page, stack, "/settings", "form.settings-form textarea")
    check("settings")


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_page_speaks_the_language_picked(
    browser: Browser,
    local_stack: RunningStack,
    setting: dict[str, str],
    language: str,
) -> None:
    with opened(browser, local_stack) as page:

        def check(view: str) -> None:
            if language != "en":
                no_english(page, language, view)
            assert page.evaluate("document.documentElement.lang") == language, view
            accessible(page, f"{language}-{view}")

        every_page(page, local_stack, setting, language, check)


def test_the_browser_s_language_is_the_default_and_english_the_fallback(
    browser: Browser, local_stack: RunningStack
) -> None:
    for locale, expected in (("hu-HU", "hu"), ("de-DE", "en")):
        context = browser.new_context(locale=locale)
        page = context.new_page()
        page.goto(f"{local_stack.api_url}/app/")
        expect(page.locator("form.signin-form")).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == expected
        expect(page.get_by_role("button", name=catalog(expected)["signin.submit"])).to_be_visible()
        context.close()


PSEUDO_CHOSEN = f"localStorage.setItem('leaddesk.language', '{PSEUDO}')"
# What a pseudo-localised text may still hold in plain ASCII letters: what Intl writes in English
# (months, AM/PM, time zones, the words of lists and of relative times) and country and currency
# names.
INTL_WORDS = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|AM|PM|UTC|GMT|and|or"
    r"|in|ago|now|this|days?|hours?|minutes?|yesterday|tomorrow)\b"
)


def test_the_pseudo_locale_shows_no_text_outside_the_catalogs(
    browser: Browser,
    local_stack: RunningStack,
    setting: dict[str, str],
) -> None:
    with opened(browser, local_stack, PSEUDO_CHOSEN) as page:
        data: set[str] = set()

        def remember(response: Any) -> None:
            if "application/json" in (response.headers.get("content-type") or ""):
                with suppress(ValueError):  # a body that is not JSON holds no data to allow
                    collect(response.json(), data)

        page.on("response", remember)

        def check(view: str) -> None:
            countries = page.evaluate(
                "(codes) => codes.map((code) => new Intl.DisplayNames(['en'], {type: 'region'}).of(code))",
                sorted(value for value in data if re.fullmatch(r"[A-Z]{2}", value)),
            )
            domains = {value.rpartition("@")[2] for value in data if "@" in value}  # quoted in reasons
            seen = page.evaluate(VISIBLE_TEXTS)
            currencies = page.evaluate(
                "(codes) => codes.map((code) => new Intl.DisplayNames(['en'], {type: 'currency'}).of(code))",
                sorted({code for text in seen for code in re.findall(r"\b[A-Z]{3}\b", text)}),
            )
            allowed = sorted(
                data | domains | set(countries) | set(currencies) | PROPER_NOUNS, key=len, reverse=True
            )
            plain = []
            for text in seen:
                rest = text
                for value in allowed:
                    if len(value) > 1:
                        rest = rest.replace(value, " ")
                rest = INTL_WORDS.sub(" ", rest)
                if re.search(r"[A-Za-z]{2,}", rest):
                    plain.append(text)
            assert not plain, (view, "not from the catalogs", sorted(set(plain)))
            assert page.evaluate("document.documentElement.lang") == PSEUDO
            assert not page.evaluate(CLIPPED), (view, "clipped by longer text", page.evaluate(CLIPPED))
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1] + 1, (view, "wider than the window", width)
            accessible(page, f"{PSEUDO}-{view}")

        every_page(page, local_stack, setting, PSEUDO, check)


def collect(value: Any, into: set[str]) -> None:
    """Every string in an API answer: data the page may show as it is."""
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            collect(item, into)
    elif isinstance(value, list):
        for item in value:
            collect(item, into)
