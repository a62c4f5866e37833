"""Export benchmark: the worker writing 10,000 and 100,000 leads of one partner to S3.

The leads are loaded into the local stack's moto server (its own process, patched as `make
run` starts it); each export then runs in a fresh process of its own holding only the export
worker, as the composition root builds it for ExportWorkerFunction, so the memory measured is
the worker's alone. For each size it reports:

- peak memory: the worker process's peak resident set (what Lambda reports as "Max Memory
  Used"), and Python's own peak allocation during the export (tracemalloc, in another fresh
  process); flat means the 100k ÷ 10k ratio stays ≤ 1.2;
- rows/s, and the ratio to a bare `csv.writer` writing the same rows to a local file in the
  same run, with where the worker's time goes (reading pages from DynamoDB, building the rows,
  CSV text, S3 uploads, job records);
- DynamoDB items read ÷ rows written, for the tab + status filter (`ScannedCount` of each
  Query, as DynamoDB bills it).

    python -m bench export [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from bench.api import load, make_leads
from leaddesk_local.metering import ItemsRead
from leaddesk_local.motoserver import MotoProcess
from leaddesk_local.process import free_port
from leaddesk_local.provision import provision
from leaddesk_local.stack import merged_environment
from leaddesk_local.template import Template

WHOLE_TAB = {"tab": "marketplace"}  # every lead of the partner: the export of N leads
TAB_AND_STATUS = {"tab": "marketplace", "status": "archived"}  # for the items read per row


def peak_resident_bytes() -> int:
    """This process's peak resident set (VmHWM). Not getrusage's ru_maxrss: Linux carries that over
    exec from the forked copy of the parent, so a child would report the parent's size."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


class Timers:
    """Seconds spent in each wrapped callable (the worker's collaborators), for the breakdown."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._originals: list[tuple[Any, str, Any]] = []

    def restore(self) -> None:
        for owner, name, original in reversed(self._originals):
            setattr(owner, name, original)

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)
        self._originals.append((owner, name, original))

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started

        setattr(owner, name, timed)


def export_once(partner: str, measure_memory: str, request: dict[str, Any] = WHOLE_TAB) -> dict[str, Any]:
    """One export of the filter through the worker (in this fresh process); its figures."""
    from leaddesk import composition
    from leaddesk.adapters import aws
    from leaddesk.domain.exports import ExportRequest
    from leaddesk.services.exports import ExportMessage

    composition.reset()
    aws.reset_clients()
    service, worker = composition.exports_service(), composition.export_worker()
    reads = ItemsRead(aws.dynamodb())
    job = service.start(partner, "bench", None, ExportRequest.model_validate(request))
    message = ExportMessage(partner_id=partner, export_id=job.export_id)
    started = time.perf_counter()
    if measure_memory == "tracemalloc":
        tracemalloc.start()
    status = worker.run(message, lambda: 10**9, 1)
    seconds = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
    tracemalloc.stop()
    assert status.value == "succeeded", status
    rss = peak_resident_bytes()
    done = service.get(partner, job.export_id)
    return {"rows": done.rows, "seconds": seconds, "rss": rss, "traced": traced, "items": reads.items}


def breakdown(partner: str) -> dict[str, float]:
    """Where one export's time goes, by the worker's collaborators (a separate, wrapped run)."""
    from leaddesk import composition
    from leaddesk.adapters import aws, csv_upload
    from leaddesk.adapters.exports_store import ExportsStore
    from leaddesk.adapters.store import LeadStore
    from leaddesk.domain.exports import ExportRequest
    from leaddesk.services import exports
    from leaddesk.services.exports import ExportMessage

    composition.reset()
    aws.reset_clients()
    timers = Timers()
    timers.wrap(LeadStore, "query_leads", "DynamoDB pages (request + items → leads)")
    timers.wrap(exports, "row", "rows built from leads")
    timers.wrap(csv_upload.MultipartCsv, "_send", "S3 part uploads")
    timers.wrap(csv_upload.MultipartCsv, "finish", "S3 complete (and last part)")
    timers.wrap(ExportsStore, "save", "job records")
    service, worker = composition.exports_service(), composition.export_worker()
    job = service.start(partner, "bench", None, ExportRequest.model_validate(WHOLE_TAB))
    started = time.perf_counter()
    try:
        worker.run(ExportMessage(partner_id=partner, export_id=job.export_id), lambda: 10**9, 1)
    finally:
        timers.restore()
    total = time.perf_counter() - started
    shares = {label: seconds / total for label, seconds in timers.seconds.items()}
    # The generator of rows runs inside the CSV writer: its time is counted as "rows built".
    shares["CSV text and the rest"] = max(0.0, 1 - sum(shares.values()))
    return shares


def bare_csv_rate(partner: str, endpoint: str, table: str) -> tuple[int, float]:
    """A bare csv.writer writing the same rows (already built) to a local file: rows/s."""
    from leaddesk.adapters.dynamo.items import ItemPolicy
    from leaddesk.adapters.store import LeadStore
    from leaddesk.domain.exports import HEADER, row
    from leaddesk.domain.listing import LeadFilter
    from leaddesk_local.provision import client

    store = LeadStore(client("dynamodb", endpoint), table, ItemPolicy())
    query = LeadFilter.model_validate(WHOLE_TAB).to_query()
    rows: list[list[str]] = []
    cursor = None
    while True:
        page = store.query_leads(partner, query, 500, cursor)
        rows.extend(row(lead) for lead in page.leads)
        cursor = page.cursor
        if cursor is None:
            break
    with tempfile.TemporaryFile("w", newline="", encoding="utf-8") as file:
        started = time.perf_counter()
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
        file.flush()
        seconds = time.perf_counter() - started
    return len(rows), len(rows) / seconds


def marketplace_leads(count: int, partner: str) -> list[Any]:
    """`count` leads of the partner's marketplace tab, with the benchmarks' realistic mix."""
    from leaddesk.domain.models import Tab

    leads = [lead for lead in make_leads(count * 2, partner=partner) if lead.tab is Tab.MARKETPLACE]
    assert len(leads) >= count, len(leads)
    return leads[:count]


def in_fresh_process(what: str, partner: str) -> Any:
    """Run one measurement in a new Python process (the environment points it at the server)."""
    command = [sys.executable, "-m", "bench.export", "--measure", what, "--partner", partner]
    answer = subprocess.run(command, capture_output=True, text=True, check=False, env=os.environ.copy())
    if answer.returncode != 0:
        raise RuntimeError(f"{what} for {partner} failed:\n{answer.stderr}")
    return json.loads(answer.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(prog="python -m bench export")
    options.add_argument("--sizes", default="10000,100000", help="comma-separated lead counts")
    options.add_argument(
        "--measure", choices=["rss", "tracemalloc", "breakdown", "status"], help=argparse.SUPPRESS
    )
    options.add_argument("--partner", help=argparse.SUPPRESS)
    args = options.parse_args(argv)
    if args.measure:  # one measurement, in a fresh process started by the run below
        if args.measure == "breakdown":
            figures: Any = breakdown(args.partner)
        elif args.measure == "status":
            figures = export_once(args.partner, "rss", TAB_AND_STATUS)
        else:
            figures = export_once(args.partner, args.measure)
        print(json.dumps(figures))
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    port = free_port()
    moto = MotoProcess("127.0.0.1", port)
    moto.start()
    endpoint = f"http://127.0.0.1:{port}"
    os.environ |= {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_READ_TIMEOUT": "120",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
    }
    try:
        template = Template.load()
        deployment = provision(template, endpoint)
        os.environ |= merged_environment(template, deployment)
        table = deployment.refs["LeadsTable"]
        results = {}
        for size in sizes:
            partner = f"p-export-{size}"
            print(f"  loading {size:,} leads of {partner}", flush=True)
            load(marketplace_leads(size, partner), endpoint, table)
            print(f"  exporting {partner}: the whole tab {WHOLE_TAB}, then {TAB_AND_STATUS}", flush=True)
            measured = in_fresh_process("rss", partner)
            measured["traced"] = in_fresh_process("tracemalloc", partner)["traced"]
            measured["breakdown"] = in_fresh_process("breakdown", partner)
            by_status = in_fresh_process("status", partner)
            measured["status_rows"], measured["status_items"] = by_status["rows"], by_status["items"]
            measured["bare_rows"], measured["bare_rate"] = bare_csv_rate(partner, endpoint, table)
            results[size] = measured
            report(size, measured)
        if len(sizes) >= 2:
            small, large = results[sizes[0]], results[sizes[-1]]
            print(
                f"worker memory {sizes[-1]:,} ÷ {sizes[0]:,}: peak RSS {large['rss'] / small['rss']:.2f} "
                f"(target ≤ 1.2), Python's peak allocation {large['traced'] / small['traced']:.2f}"
            )
    finally:
        moto.stop()


def report(size: int, m: dict[str, Any]) -> None:
    rate = m["rows"] / m["seconds"]
    assert m["bare_rows"] == m["rows"], (m["bare_rows"], m["rows"])
    print(
        f"{size:>7,} leads → {m['rows']:,} rows in {m['seconds']:.1f} s: {rate:,.0f} rows/s = "
        f"{rate / m['bare_rate']:.3f} × bare csv.writer to a local file ({m['bare_rate']:,.0f} rows/s); "
        f"worker peak RSS {m['rss'] / 2**20:.1f} MiB, Python's peak allocation {m['traced'] / 2**20:.1f} MiB; "
        f"items read ÷ rows: whole tab {m['items'] / m['rows']:.3f}, tab + status "
        f"{m['status_items'] / m['status_rows']:.3f} ({m['status_rows']:,} rows; target ≤ 1.05)",
        flush=True,
    )
    for label, share in sorted(m["breakdown"].items(), key=lambda kv: -kv[1]):
        print(f"      {share:6.1%}  {label}")


if __name__ == "__main__":
    main()
