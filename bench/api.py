"""Leads API benchmark: 100,000 leads of one partner in a local stack.

Measures, for the first page of each query shape, items read ÷ items returned (the query's
ScannedCount, summed over the DynamoDB calls of the page, as `Page.items_read`), and the
p50/p95 latency of `GET /leads` pages over HTTP (first pages and cursor pages).

The latency is the local stack's, as `make run` starts it (moto with the local stack's
patches: a Query reads its index partition's range, as DynamoDB does). The items-read ratios are
what DynamoDB itself would read (ScannedCount). The summary is read last, from the partner's
counter items (the load adds them up as ingest's transactions would have).

    python -m bench api [--leads 100000] [--requests 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
for path in ("shared", "functions", "local"):
    if str(PROJECT_ROOT / path) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT / path))

import httpx  # noqa: E402
from ulid import ULID  # noqa: E402

from leaddesk.adapters.dynamo.counters import contributions, counter_update  # noqa: E402
from leaddesk.adapters.dynamo.index_entries import entry_items  # noqa: E402
from leaddesk.adapters.dynamo.items import ItemPolicy, lead_to_item  # noqa: E402
from leaddesk.adapters.store import LeadStore  # noqa: E402
from leaddesk.domain.listing import LeadFilter  # noqa: E402
from leaddesk.domain.models import Customer, Lead, LeadStatus, LeadType, Outcome  # noqa: E402
from leaddesk.domain.words import word_text  # noqa: E402
from leaddesk_local import tokens  # noqa: E402
from leaddesk_local.process import running_stack  # noqa: E402
from leaddesk_local.provision import client  # noqa: E402

PARTNER = "p-bench"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _weighted(rng: random.Random, table: Mapping[Any, float]) -> Any:
    return rng.choices(list(table), weights=list(table.values()))[0]


# Company names as partners' leads carry them: a first word from many languages (accents
# included), often an activity, usually a legal form.
NAME_STEMS = [
    "Contoso",
    "Fabrikam",
    "Northwind",
    "Tailspin",
    "Wingtip",
    "Litware",
    "Adatum",
    "Proseware",
    "Woodgrove",
    "Alpine",
    "Lucerne",
    "Margie",
    "Trey",
    "Coho",
    "Humongous",
    "Wide",
    "Blue",
    "Graphic",
    "Nod",
    "Relecloud",
    "Munson",
    "Fourth",
    "Southridge",
    "Consolidated",
    "Société",
    "Générale",
    "Crédit",
    "Française",
    "Lumière",
    "Château",
    "Müller",
    "Schäfer",
    "Köhler",
    "Bäcker",
    "Weiß",
    "Größe",
    "Kovács",
    "Szabó",
    "Tóth",
    "Horváth",
    "Nagy",
    "Kiss",
    "Molnár",
    "Németh",
    "Farkas",
    "Balogh",
    "Öztürk",
    "Çelik",
    "Yıldız",
    "Şahin",
    "Doğan",
    "Aydın",
    "Özdemir",
    "Arslan",
    "Rossi",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Jansen",
    "Visser",
    "Smit",
    "Meijer",
    "Bakker",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Brouwer",
    "Ångström",
    "Åkesson",
    "Øster",
    "Łódź",
    "Kraków",
    "Żabka",
    "Świat",
    "Nørre",
    "Þór",
    "Peña",
    "Núñez",
    "Muñoz",
    "García",
    "López",
    "Martín",
    "Sánchez",
    "Pérez",
    "Apex",
    "Summit",
    "Pioneer",
    "Horizon",
    "Vertex",
    "Nimbus",
    "Quantum",
    "Vector",
    "Orbit",
    "Atlas",
    "Beacon",
    "Cascade",
    "Delta",
    "Echo",
    "Falcon",
    "Granite",
    "Harbor",
    "Ironwood",
    "Juniper",
    "Keystone",
    "Lakeside",
    "Meridian",
    "Northstar",
    "Oakridge",
    "Pinnacle",
    "Redwood",
    "Sapphire",
    "Trident",
    "Unity",
    "Vanguard",
    "Willow",
    "Zenith",
    "Aurora",
    "Borealis",
    "Cobalt",
    "Dynamo",
    "Ember",
]
NAME_ACTIVITIES = [
    "Toys",
    "Traders",
    "Systems",
    "Logistics",
    "Solutions",
    "Consulting",
    "Software",
    "Digital",
    "Media",
    "Energy",
    "Foods",
    "Bau",
    "Technik",
    "Informatique",
    "Conseil",
    "Services",
    "Industrie",
    "Holding",
    "Partners",
    "Group",
    "Labs",
    "Analytics",
    "Cloud",
    "Network",
    "Security",
    "Health",
    "Pharma",
    "Motors",
    "Retail",
    "Textil",
    "Építő",
    "Kereskedelmi",
    "Gıda",
    "İnşaat",
    "Costruzioni",
    "Ingénierie",
    "Transporte",
    "Verwaltung",
    "Beheer",
    "Handel",
    "Studio",
    "Works",
]
NAME_FORMS = [
    "Inc.",
    "GmbH",
    "Kft.",
    "S.A.",
    "Ltd",
    "B.V.",
    "S.r.l.",
    "A.Ş.",
    "SAS",
    "AG",
    "LLC",
    "Zrt.",
    "Bt.",
    "S.p.A.",
    "N.V.",
    "Oy",
    "AB",
    "Sp.z.o.o.",
    "SARL",
    "Co.",
]


# Names the query shapes look for by more than one word, among the generated ones.
KNOWN_NAMES = (
    "Tailspin Toys Inc.",
    "Société Générale S.A.",
    "Kovács és Társa Kft.",
    "Łódź Logistics Sp.z.o.o.",
)


def company_names(rng: random.Random, count: int = 4000) -> list[str]:
    """`count` distinct company names built from the word lists above (seeded)."""
    names: set[str] = set(KNOWN_NAMES)
    while len(names) < count:
        words = [rng.choice(NAME_STEMS)]
        if rng.random() < 0.5:
            words.append(rng.choice(NAME_STEMS))
        if rng.random() < 0.7:
            words.append(rng.choice(NAME_ACTIVITIES))
        if rng.random() < 0.8:
            words.append(rng.choice(NAME_FORMS))
        names.add(" ".join(words))
    return sorted(names)


def make_leads(count: int, seed: int = 11, partner: str = PARTNER) -> list[Lead]:
    """A realistic mix: 60 % marketplace, statuses skewed to archived, ~2 % favorites, 1 % test leads."""
    rng = random.Random(seed)
    countries = {"US": 40, "DE": 15, "GB": 10, "FR": 10, "IN": 10, "HU": 5, "BR": 5, None: 5}
    companies = company_names(rng)
    start = NOW - timedelta(days=180)
    step = timedelta(days=180) / count
    leads = []
    for i in range(count):
        created = start + step * i + timedelta(milliseconds=rng.randint(0, 999))
        lead_type = _weighted(
            rng,
            {
                LeadType.OFFER: 45,
                LeadType.PROFILE: 15,
                LeadType.MARKETING_QUALIFIED: 15,
                LeadType.SALES_QUALIFIED: 15,
                LeadType.JOINT_PLANNING: 5,
                LeadType.SHARED_MARKETING: 5,
            },
        )
        cta = None
        if lead_type is LeadType.OFFER:
            cta = _weighted(
                rng, {"contact_me": 50, "get_it_now": 25, "free_trial": 15, "test_drive": 5, "create": 5}
            )
        if cta not in (None, "contact_me"):
            status = LeadStatus.INFORMATIONAL if rng.random() < 0.7 else LeadStatus.ARCHIVED
        else:
            status = _weighted(
                rng, {LeadStatus.RECEIVED: 20, LeadStatus.ACCEPTED: 25, LeadStatus.ARCHIVED: 55}
            )
        outcome = None
        if status is LeadStatus.ARCHIVED:
            outcome = _weighted(
                rng,
                {
                    Outcome.EXPIRED: 30,
                    Outcome.DECLINED: 25,
                    Outcome.WON: 15,
                    Outcome.LOST: 20,
                    Outcome.ERROR: 5,
                    Outcome.AGED_OUT: 5,
                },
            )
        marketplace = lead_type in (LeadType.OFFER, LeadType.PROFILE)
        company = rng.choice(companies)
        leads.append(
            Lead.model_validate(
                {
                    "lead_id": str(ULID.from_datetime(created)),
                    "partner_id": partner,
                    "event_id": f"bench-{i}",
                    "lead_type": lead_type,
                    "status": status,
                    "outcome": outcome,
                    "created_at": created,
                    "updated_at": created,
                    "customer": Customer(
                        first_name="Ada",
                        email=f"c{i}@example.com",
                        company=company,
                        country=_weighted(rng, countries),
                    ),
                    "lead_source": rng.choice(["appsource", "azure_marketplace", "azure_portal", "power_bi"])
                    if marketplace
                    else None,
                    "call_to_action": cta,
                    "email_validity": _weighted(rng, {"valid": 80, "invalid": 8, "spam": 4, "unknown": 8}),
                    "phone_validity": _weighted(rng, {"valid": 60, "invalid": 10, "unknown": 30}),
                    "lead_quality": _weighted(rng, {"high": 50, "medium": 35, "low": 15}),
                    "estimated_value": Decimal(rng.randint(0, 200_000)) if rng.random() < 0.6 else None,
                    "is_test": rng.random() < 0.01,
                    "favorite": rng.random() < 0.02,
                }
            )
        )
    return leads


def _write(db: Any, table: str, batch: list[dict[str, Any]]) -> None:
    pending: dict[str, Any] = {table: batch}
    while pending:
        pending = db.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def load(leads: list[Lead], endpoint: str, table: str) -> float:
    db = client("dynamodb", endpoint)
    started = time.perf_counter()
    batch: list[dict[str, Any]] = []
    for index, lead in enumerate(leads, 1):
        # the lead and its index entries, as ingest writes them
        for item in (lead_to_item(lead, ItemPolicy()), *entry_items(lead).values()):
            batch.append({"PutRequest": {"Item": item}})
            if len(batch) == 25:
                _write(db, table, batch)
                batch = []
        if index == len(leads) and batch:
            _write(db, table, batch)
        if index % 10_000 == 0:
            rate = index / (time.perf_counter() - started)
            print(f"  loaded {index:>7,} leads ({rate:,.0f}/s)", flush=True)
    # The summary counters ingest keeps in each lead's transaction, added up once for the whole load.
    counted: Counter[str] = Counter()
    for lead in leads:
        counted.update(contributions(lead))
    db.update_item(**counter_update(table, PARTNER, counted)["Update"])
    return time.perf_counter() - started


SHAPES: list[tuple[str, dict[str, str]]] = [
    ("tab marketplace", {"tab": "marketplace"}),
    ("tab qualified", {"tab": "qualified"}),
    ("tab favorites", {"tab": "favorites"}),
    ("tab + status received", {"tab": "marketplace", "status": "received"}),
    ("tab + status accepted", {"tab": "qualified", "status": "accepted"}),
    ("tab + status archived", {"tab": "marketplace", "status": "archived"}),
    ("tab + 2 statuses", {"tab": "marketplace", "status": "received,accepted"}),
    (
        "tab + created window (1 day)",
        {"tab": "marketplace", "created_from": "2026-10-01T00:00:00Z", "created_to": "2026-10-01T23:59:59Z"},
    ),
    ("tab + country US", {"tab": "marketplace", "country": "US"}),
    ("tab + country HU", {"tab": "marketplace", "country": "HU"}),
    ("tab + lead_quality low", {"tab": "marketplace", "lead_quality": "low"}),
    ("tab + email_validity spam", {"tab": "marketplace", "email_validity": "spam"}),
    ("tab + call_to_action test_drive", {"tab": "marketplace", "call_to_action": "test_drive"}),
    ("tab + lead_source power_bi", {"tab": "marketplace", "lead_source": "power_bi"}),
    ("tab + lead_type joint_planning", {"tab": "qualified", "lead_type": "joint_planning"}),
    ("tab + phone_validity invalid", {"tab": "marketplace", "phone_validity": "invalid"}),
    ("tab + spam + status received", {"tab": "marketplace", "email_validity": "spam", "status": "received"}),
    ("tab + customer_name 'tailspin toys'", {"tab": "marketplace", "customer_name": "tailspin toys"}),
    ("tab + customer_name word 'contoso'", {"tab": "marketplace", "customer_name": "contoso"}),
    ("tab + customer_name prefix 'fab'", {"tab": "marketplace", "customer_name": "fab"}),
    ("tab + customer_name 2nd word 'inc'", {"tab": "marketplace", "customer_name": "inc"}),
    ("tab + customer_name 'societe generale'", {"tab": "marketplace", "customer_name": "societe generale"}),
    ("tab + customer_name 'kovacs'", {"tab": "qualified", "customer_name": "kovacs"}),
    ("tab + customer_name 'lodz'", {"tab": "marketplace", "customer_name": "lodz"}),
    ("tab + customer_name 6 letters 'pionee'", {"tab": "marketplace", "customer_name": "pionee"}),
    ("tab + customer_name 'informatique'", {"tab": "marketplace", "customer_name": "informatique"}),
    ("tab + customer_name 1 letter 'k'", {"tab": "marketplace", "customer_name": "k"}),
    ("tab + customer_name 'fab' or 'nimbus'", {"tab": "marketplace", "customer_name": "fab,nimbus"}),
    (
        "tab + customer_name 'kft' + status",
        {"tab": "marketplace", "customer_name": "kft", "status": "received"},
    ),
    ("tab + customer_name 'zzz' (none)", {"tab": "marketplace", "customer_name": "zzz"}),
    ("tab sorted by customer_name", {"tab": "marketplace", "sort": "customer_name"}),
    ("tab sorted by estimated_value", {"tab": "qualified", "sort": "estimated_value"}),
]


def read_ratios(endpoint: str, table: str, limit: int) -> list[tuple[str, int, int]]:
    store = LeadStore(client("dynamodb", endpoint), table, ItemPolicy())
    rows = []
    for name, params in SHAPES:
        page = store.query_leads(PARTNER, LeadFilter.model_validate(params).to_query(), limit)
        rows.append((name, page.items_read, len(page.leads)))
    return rows


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def http_latency(api_url: str, requests: int, limit: int) -> dict[str, list[float]]:
    bearer = tokens.issue(PARTNER, ["referrals_admin"])
    headers = {"Authorization": f"Bearer {bearer}"}
    timings: dict[str, list[float]] = {"first page": [], "cursor page": []}
    rng = random.Random(5)
    unfiltered = [params for name, params in SHAPES if "customer_name" not in params]
    with httpx.Client(base_url=api_url, headers=headers, timeout=60) as http:
        for index in range(requests):
            params = dict(rng.choice(unfiltered), limit=str(limit))
            started = time.perf_counter()
            answer = http.get("/leads", params=params)
            timings["first page"].append(time.perf_counter() - started)
            answer.raise_for_status()
            cursor = answer.json()["next_cursor"]
            if cursor:
                started = time.perf_counter()
                http.get("/leads", params={**params, "cursor": cursor}).raise_for_status()
                timings["cursor page"].append(time.perf_counter() - started)
            if (index + 1) % 5 == 0:
                print(f"  {index + 1}/{requests} queries over HTTP", flush=True)
    return timings


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(prog="python -m bench api")
    options.add_argument("--leads", type=int, default=100_000)
    options.add_argument(
        "--requests",
        type=int,
        default=20,
        help="first-page requests (each + one cursor page); moto is slow at 100,000 leads",
    )
    options.add_argument("--limit", type=int, default=25)
    args = options.parse_args(argv if argv is not None else [])
    print("starting a local stack …", flush=True)
    with running_stack(
        Path(tempfile.mkdtemp(prefix="leaddesk-bench-")), "--no-samples", "--schedule-interval", "0"
    ) as stack:
        info = stack.state
        endpoint = info["endpoint_url"]
        table = info["outputs"]["LeadsTableName"]
        print(f"building {args.leads:,} leads …", flush=True)
        leads = make_leads(args.leads)
        seconds = load(leads, endpoint, table)
        print(
            f"loaded {args.leads:,} leads in {seconds:.1f}s "
            f"({args.leads / seconds:,.0f}/s) via BatchWriteItem"
        )

        words, entries, word_entries = 0, 0, 0
        for lead in leads:
            made = entry_items(lead)
            entries += len(made)
            word_entries += sum(1 for pk, _ in made if "#W#" in pk)
            words += len(set(word_text(lead.customer.company).split()))
        print(
            f"index entries per lead: {entries / len(leads):.2f} (name words {word_entries / len(leads):.2f}, "
            f"{word_entries / max(words, 1):.2f} per distinct word, {words / len(leads):.2f} words a name; "
            f"rare filter values {(entries - word_entries) / len(leads):.2f}); each is one write unit"
        )

        print(f"\nitems read ÷ items returned, first page (limit {args.limit}):")
        print(f"  {'query':<44} {'read':>7} {'returned':>9} {'ratio':>7}")
        for name, read, returned in read_ratios(endpoint, table, args.limit):
            ratio = f"{read / returned:.2f}" if returned else "n/a"
            print(f"  {name:<44} {read:>7} {returned:>9} {ratio:>7}")

        print(
            f"\nGET /leads over HTTP ({args.requests} first pages + their cursor pages, limit {args.limit}):"
        )
        timings = http_latency(info["api_url"], args.requests, args.limit)
        for kind, values in timings.items():
            if values:
                print(
                    f"  {kind:<12} n={len(values):<4} p50 {percentile(values, 0.5) * 1000:7.1f} ms   "
                    f"p95 {percentile(values, 0.95) * 1000:7.1f} ms   "
                    f"mean {statistics.mean(values) * 1000:7.1f} ms"
                )
        bearer = tokens.issue(PARTNER, ["viewer"])
        started = time.perf_counter()
        summary = httpx.get(
            f"{info['api_url']}/leads/summary", headers={"Authorization": f"Bearer {bearer}"}, timeout=600
        )
        summary.raise_for_status()
        totals = {tab: counts["total"] for tab, counts in summary.json()["tabs"].items()}
        print(
            f"\nGET /leads/summary (the partner's counter items): "
            f"{(time.perf_counter() - started) * 1000:.0f} ms {totals}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
