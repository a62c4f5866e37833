"""Notifications: throughput on the local stack, and the digest of a very busy day.

    python -m bench notify [throughput] [digest] [--events 1000] [--leads 10000]

throughput: `leaddesk up` as `make run` starts it; 1,000 leads are stored for 200 partners (5
each, so every lead is emailed on its own: the volume rule would otherwise turn most of them
into digest entries), then their `lead.received` events are put on the bus and the run waits
until every email is in the local SES. The baseline is raw SES `SendEmail` of the same emails
against the same moto server, in the same run. Requests per email are counted in the stack's
process on the handlers' own clients (botocore's before-call hook), so they are what the
function would send to AWS.

digest: in-process moto with the local stack's patches; a partner with 1,000 and then 10,000
collected leads in a day; items read (ScannedCount, GetItem, BatchGetItem items) per lead
listed, and the run's peak traced memory (tracemalloc).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bench._moto import in_process_aws

if TYPE_CHECKING:
    from leaddesk_local.process import StackProcess

DAY = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


# --- throughput on the local stack ------------------------------------------------------------------
def throughput(events: int) -> dict[str, float]:
    from tests.helpers.leads import make_lead, put_leads

    from bench.ingest import _progress
    from leaddesk.adapters.dynamo.items import ItemPolicy
    from leaddesk.domain.emails import EmailRenderer
    from leaddesk.domain.events import lead_received
    from leaddesk.domain.notify_settings import Language
    from leaddesk_local.inbox import fetch
    from leaddesk_local.process import running_stack
    from leaddesk_local.provision import client

    partners = max(events // 5, 1)
    print(f"[throughput] {events:,} lead.received events for {partners:,} partners on `leaddesk up`")
    with (
        tempfile.TemporaryDirectory(prefix="leaddesk-bench-") as state,
        running_stack(Path(state), "--no-samples", "--schedule-interval", "0") as stack,
    ):
        outputs = stack.state["outputs"]
        db, events_client = client("dynamodb", stack.endpoint_url), client("events", stack.endpoint_url)
        ses = client("sesv2", stack.endpoint_url)
        table, bus, sender = outputs["LeadsTableName"], outputs["EventBusName"], outputs["SenderEmail"]
        for n in range(partners):
            settings = {"referral_admin_emails": [f"admin@partner-{n}.com"], "language": "en"}
            db.put_item(
                TableName=table,
                Item={
                    "PK": {"S": f"P#p-bench-{n}"},
                    "SK": {"S": "SETTINGS"},
                    "doc": {"S": json.dumps(settings)},
                },
            )
        leads = [
            make_lead(partner=f"p-bench-{n % partners}", created_at=DAY + timedelta(seconds=n))
            for n in range(events)
        ]
        put_leads(leads, table, stack.endpoint_url, ItemPolicy())

        # Baseline: the same emails, rendered once, sent with raw SendEmail to the same moto server.
        from leaddesk.adapters.mailer import compose

        renderer = EmailRenderer("http://127.0.0.1/app", 14)
        raws = [compose(sender, f"admin@partner-{n % partners}.com", renderer.new_lead(lead, Language.ENGLISH), DAY, {})
                for n, lead in enumerate(leads[: min(300, events)])]  # fmt: skip
        started = time.perf_counter()
        for raw in raws:
            ses.send_email(FromEmailAddress=sender, Content={"Raw": {"Data": raw}})
        raw_rate = len(raws) / (time.perf_counter() - started)
        already = _sends(stack)

        started = time.perf_counter()
        for start in range(0, events, 10):
            entries = [
                {"Source": "leaddesk", "DetailType": "lead.received", "EventBusName": bus,
                 "Detail": lead_received(lead, lead.lead_id).detail.model_dump_json()}
                for lead in leads[start : start + 10]
            ]  # fmt: skip
            assert not events_client.put_events(Entries=entries).get("FailedEntryCount")
        sent = 0
        deadline = time.monotonic() + 1800
        while sent < events and time.monotonic() < deadline:
            time.sleep(1)
            sent = _sends(stack) - already  # the stack's own count: polling the inbox would load moto
            _progress("emails sent", sent, events, started)
        seconds = time.perf_counter() - started
        print()
        counts = Counter(json.loads(_get(f"{stack.api_url}/_local/requests", stack.state["local_secret"])))
        assert len(fetch(stack.endpoint_url)) >= sent + len(raws), "every email is in the local inbox"
    writes = sum(
        counts[op] for op in ("TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem")
    )
    reads = sum(counts[op] for op in ("GetItem", "BatchGetItem", "Query"))
    figures = {
        "emails": sent,
        "emails_per_s": sent / seconds,
        "raw_send_per_s": raw_rate,
        "dynamodb_writes_per_email": writes / max(sent, 1),
        "dynamodb_reads_per_email": reads / max(sent, 1),
        "ses_requests_per_email": counts["SendEmail"] / max(sent, 1),
    }
    ratio = figures["emails_per_s"] / raw_rate
    print(f"    raw SES SendEmail (baseline): {raw_rate:8,.0f} emails/s on the same moto server")
    print(
        f"    lead.received → email sent  : {figures['emails_per_s']:8,.0f} emails/s = {ratio:.2f} × raw SendEmail"
    )
    print(f"    per email: {figures['ses_requests_per_email']:.2f} SES requests, "
          f"{figures['dynamodb_writes_per_email']:.2f} DynamoDB writes, {figures['dynamodb_reads_per_email']:.2f} reads "
          f"({dict(sorted(counts.items()))})")  # fmt: skip
    met = figures["dynamodb_writes_per_email"] <= 2
    print(f"  target ≤ 2 DynamoDB writes per email sent: {'met' if met else 'MISSED'}")
    return figures


def _sends(stack: StackProcess) -> int:
    requests = _get(f"{stack.api_url}/_local/requests", stack.state["local_secret"])
    return int(json.loads(requests).get("SendEmail", 0))


def _get(url: str, local_secret: str) -> str:
    import urllib.request

    from leaddesk_local.local_access import SECRET_HEADER

    request = urllib.request.Request(url, headers={SECRET_HEADER: local_secret})
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(response.read().decode())


# --- the digest of a busy day -----------------------------------------------------------------------
def digest(sizes: list[int]) -> dict[str, float]:
    from moto import mock_aws

    in_process_aws()
    figures: dict[str, float] = {}
    print(
        f"[digest] one partner's day with {', '.join(f'{n:,}' for n in sizes)} collected leads (in-process moto)"
    )
    for size in sizes:
        with mock_aws():
            figures |= {f"{k}_{size}": v for k, v in _digest_run(size).items()}
    first, last = sizes[0], sizes[-1]
    growth = figures[f"peak_mb_{last}"] / figures[f"peak_mb_{first}"]
    print(
        f"  peak memory {first:,} → {last:,} leads: × {growth:.2f} (target flat, ≤ 1.2: {'met' if growth <= 1.2 else 'MISSED'})"
    )
    return figures


def _digest_run(size: int) -> dict[str, float]:
    import sys

    from leaddesk_local.template import PROJECT_ROOT

    if str(PROJECT_ROOT / "functions") not in sys.path:  # the handlers, as Lambda imports them
        sys.path.insert(0, str(PROJECT_ROOT / "functions"))
    from tests.helpers.leads import make_lead, put_leads
    from tests.helpers.notify import lead_envelope, notify, put_settings

    from leaddesk import composition
    from leaddesk.adapters import aws
    from leaddesk_local.inbox import in_process
    from leaddesk_local.provision import provision
    from leaddesk_local.stack import merged_environment
    from leaddesk_local.template import Template

    template = Template.load()
    deployment = provision(template, None)
    quiet = {"WORKSPACE_URL": "http://127.0.0.1:3000/app", "POWERTOOLS_LOG_LEVEL": "ERROR"}
    os.environ |= merged_environment(template, deployment) | quiet
    composition.reset()
    put_settings("p-busy", referral_admin_emails=["ana@partner-busy.com"])
    total = size + 10
    started = time.perf_counter()
    for start in range(0, total, 500):
        leads = [
            make_lead(partner="p-busy", created_at=DAY + timedelta(seconds=n))
            for n in range(start, min(start + 500, total))
        ]
        put_leads(leads, deployment.refs["LeadsTable"])
        for chunk in range(0, len(leads), 10):
            notify(*[lead_envelope("lead.received", lead) for lead in leads[chunk : chunk + 10]])
        done = min(start + 500, total)
        print(
            f"\r  {done:,}/{total:,} leads notified ({done / (time.perf_counter() - started):,.0f}/s)",
            end="",
            flush=True,
        )
    print()
    from leaddesk_local.metering import ItemsRead

    read = ItemsRead(aws.dynamodb())
    tracemalloc.start()
    started = time.perf_counter()
    report = composition.digest_service().run(DAY + timedelta(days=1, minutes=15))
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    [mail] = [m for m in in_process() if m.subject.startswith("Digest")]
    ratio = read.items / max(report.listed, 1)
    print(f"    {size:,} collected: 1 digest to {mail.to[0]} listing {report.listed} (and counting {report.collected:,}); "
          f"items read {read.items} = {ratio:.3f} per lead listed (target ≤ 1.1: {'met' if ratio <= 1.1 else 'MISSED'}); "
          f"{seconds * 1000:.0f} ms, peak {peak / 1e6:.2f} MB")  # fmt: skip
    return {"items_per_listed": ratio, "peak_mb": peak / 1e6, "listed": report.listed, "seconds": seconds}


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(prog="python -m bench notify")
    options.add_argument("parts", nargs="*", choices=["throughput", "digest", []], default=[])
    options.add_argument("--events", type=int, default=1000)
    options.add_argument("--leads", type=int, default=10_000)
    args = options.parse_args(argv or [])
    parts = args.parts or ["throughput", "digest"]
    if "throughput" in parts:
        throughput(args.events)
    if "digest" in parts:
        digest(sorted({1000, args.leads}))


if __name__ == "__main__":
    main()
