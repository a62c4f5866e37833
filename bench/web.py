"""The web workspace: what a browser downloads first, and how soon a partner sees their leads.

- Initial JavaScript, gzipped: the scripts web/dist/index.html loads before anything else.
- Time from navigation to the first painted row in headless Chromium, on `leaddesk up` with
  10,000 leads in the tab, as a ratio to a fair floor: the same 25 rows as a static HTML page
  (no script), served by the same server (the stack's web server, with the same headers) and
  loaded the same way, in a fresh browser context each time (medians).
- The list view's API requests before its first row is painted (no waterfall, no badge: at most 2).
- The timeline of the last navigation of each: each request asked and answered, and the first row.

Both pages are timed in the page itself, from the start of the navigation (`performance.now()`):
a script added before any of the page's own records when a row (`[data-lead-id]`) enters the
document, and the first row counts as painted at the first task after the next frame.

    python -m bench web [--leads 10000] [--runs 7]
"""

from __future__ import annotations

import argparse
import gzip
import html
import re
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from leaddesk_local.template import PROJECT_ROOT

DIST = PROJECT_ROOT / "web" / "dist"
PARTNER = "p-bench-web"
FLOOR_PAGE = "bench-floor.html"  # written into a copy of the build, served at /app/bench-floor.html
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def initial_js_kb() -> float:
    """gzip size of the scripts index.html loads up front (entry + module preloads)."""
    html = (DIST / "index.html").read_text()
    scripts = re.findall(r'<script[^>]+src="/app/([^"]+)"', html) + re.findall(
        r'<link rel="modulepreload"[^>]+href="/app/([^"]+)"', html
    )
    return sum(len(gzip.compress((DIST / name).read_bytes(), 9)) for name in set(scripts)) / 1024


def load(endpoint: str, table: str, count: int) -> None:
    from tests.helpers.leads import make_lead

    from leaddesk.adapters.batching import chunked
    from leaddesk.adapters.dynamo.items import ItemPolicy, lead_to_item
    from leaddesk_local.provision import client

    db = client("dynamodb", endpoint)
    now = datetime.now(UTC)
    started = time.perf_counter()
    leads = (
        make_lead(partner=PARTNER, created_at=now - timedelta(minutes=n), company=f"Company {n}")
        for n in range(count)
    )
    for done, chunk in enumerate(chunked(leads, 25), start=1):
        pending = {table: [{"PutRequest": {"Item": lead_to_item(lead, ItemPolicy())}} for lead in chunk]}
        while pending:
            pending = db.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        if done % 80 == 0:
            print(
                f"\r  loaded {done * 25:,}/{count:,} leads ({done * 25 / (time.perf_counter() - started):,.0f}/s)",
                end="",
                flush=True,
            )
    print()


# Added before any script of the page: when the first row enters the document, and when the
# first task after the next frame runs (the frame that paints it).
FIRST_ROW_PROBE = """
(() => {
  const found = () => {
    if (!document.querySelector("[data-lead-id]")) return false;
    window.__rowInserted = performance.now();
    requestAnimationFrame(() => setTimeout(() => { window.__firstRow = performance.now(); }, 0));
    return true;
  };
  new MutationObserver((_, observer) => { if (found()) observer.disconnect(); })
    .observe(document, { childList: true, subtree: true });
})();
"""

# The navigation's own requests as the page timed them: (started, ended, path), ms after it began.
TIMINGS = """
[performance.getEntriesByType("navigation"), performance.getEntriesByType("resource")]
  .flat().map((e) => [e.startTime, e.responseEnd, e.name])
"""


def floor_page(items: list[dict[str, Any]]) -> str:
    """The list's first 25 rows as a page that is only HTML: what no single-page app can beat."""

    def cell(value: object) -> str:
        return f"<td>{html.escape(str(value)) if value not in (None, '') else '—'}</td>"

    rows = "\n".join(
        f'<tr data-lead-id="{html.escape(item["lead_id"])}">'
        + cell((item.get("customer") or {}).get("company"))
        + cell(
            " ".join(filter(None, [(item.get("customer") or {}).get(k) for k in ("first_name", "last_name")]))
        )
        + "".join(
            cell(item.get(k)) for k in ("lead_type", "lead_source", "status", "lead_quality", "created_at")
        )
        + "</tr>"
        for item in items
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="UTF-8"><title>LeadDesk — Leads</title>'
        '<link rel="icon" href="data:,"></head><body><table><thead><tr><th>Customer</th><th>Contact name</th>'
        "<th>Lead type</th><th>Source</th><th>Status</th><th>Quality</th><th>Created</th></tr></thead>"
        f"<tbody>\n{rows}\n</tbody></table></body></html>\n"
    )


@dataclass
class Navigation:
    first_row_ms: float  # navigation start → the first row painted
    api_before_row: int  # API requests started before the first row was painted
    timeline: list[tuple[float, str]]


def navigate(browser: Any, url: str, api_url: str, session: str | None) -> Navigation:
    """One navigation in a fresh browser context (no cache, no connection, no storage of before)."""
    context = browser.new_context()
    if session is not None:
        context.add_init_script(f"sessionStorage.setItem('leaddesk.session', {session!r})")
    context.add_init_script(FIRST_ROW_PROBE)
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => window.__firstRow !== undefined", timeout=60_000)
    first_row = float(page.evaluate("window.__firstRow"))
    inserted = float(page.evaluate("window.__rowInserted"))
    entries = [(float(a), float(b), str(name)) for a, b, name in page.evaluate(TIMINGS)]
    context.close()
    timeline = [(inserted, "first row in the document"), (first_row, "first row painted")]
    api = 0
    for asked, answered, name in entries:
        path = name.removeprefix(api_url)
        timeline += [(asked, f"asked    {path}"), (answered, f"answered {path}")]
        if asked < first_row and not path.startswith("/app/"):
            api += 1
    return Navigation(first_row, api, sorted(timeline))


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(prog="python -m bench web")
    options.add_argument("--leads", type=int, default=10_000)
    options.add_argument("--runs", type=int, default=7)
    args = options.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from leaddesk_local import tokens
    from leaddesk_local.process import running_stack

    if not (DIST / "index.html").exists():
        raise SystemExit("web/dist is missing: run `make web` first")
    initial = initial_js_kb()
    print(
        f"initial JavaScript, gzipped: {initial:.1f} kB (target ≤ 250 kB: {'met' if initial <= 250 else 'MISSED'})"
    )
    with tempfile.TemporaryDirectory() as state:
        served = Path(state) / "dist"  # the build, and the floor page beside it once the leads exist
        shutil.copytree(DIST, served)
        with running_stack(Path(state), "--no-samples", "--web-dist", str(served)) as stack:
            load(stack.endpoint_url, stack.state["outputs"]["LeadsTableName"], args.leads)
            bearer = tokens.issue(PARTNER, ["referrals_admin"])
            headers = {"Authorization": f"Bearer {bearer}"}
            with httpx.Client(timeout=30) as http:
                first_page = http.get(f"{stack.api_url}/leads", headers=headers, params={"limit": "25"})
                first_page.raise_for_status()
                bare = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    answer = http.get(f"{stack.api_url}/leads", headers=headers, params={"limit": "25"})
                    assert answer.status_code == 200
                    bare.append((time.perf_counter() - started) * 1000)
            (served / FLOOR_PAGE).write_text(floor_page(first_page.json()["items"]), encoding="utf-8")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                floors: list[Navigation] = []
                apps: list[Navigation] = []
                # The first round warms the server and the browser's process; fresh contexts share
                # no cache, so every navigation fetches everything again, the floor like the app.
                for run in range(args.runs + 1):
                    floor = navigate(browser, f"{stack.api_url}/app/{FLOOR_PAGE}", stack.api_url, None)
                    app = navigate(browser, f"{stack.api_url}/app/", stack.api_url, bearer)
                    if run:
                        floors.append(floor)
                        apps.append(app)
                browser.close()
    for name, last in (("the floor (static page of the 25 rows)", floors[-1]), ("the app", apps[-1])):
        print(f"{name}, its last navigation, ms after it started:")
        for moment, what in last.timeline:
            print(f"  {moment:7.0f}  {what}")
    floor_ms = statistics.median(n.first_row_ms for n in floors)
    app_ms = statistics.median(n.first_row_ms for n in apps)
    ratio = app_ms / floor_ms
    print(f"GET /leads over a warm connection (first page of 25, {args.leads:,} leads in the tab): "
          f"median {statistics.median(bare):.0f} ms")  # fmt: skip
    print(f"navigation → first painted row, medians of {args.runs} fresh contexts: "
          f"floor {floor_ms:.0f} ms, app {app_ms:.0f} ms")  # fmt: skip
    print(f"app ÷ floor: {ratio:.2f} (target ≤ 2: {'met' if ratio <= 2 else 'MISSED'})")
    worst = max(n.api_before_row for n in apps)
    print(
        f"API requests before the first row is painted: {worst} at most "
        f"(target ≤ 2: {'met' if worst <= 2 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
