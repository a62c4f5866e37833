"""The timed-rules sweep reads only what is due: items read per lead changed, at 100,000 leads.

100,000 leads of many partners are stored as ingest stores them (their Due entries spread over
the Due index's shards), 1,000 of them old enough to expire; one sweep run must read about one
item per lead it changes, and a run with nothing due must read no more items than there are
shards. Items read are what DynamoDB reports as read (ScannedCount of each Query, one per
GetItem), counted on the service's own client. In-process moto with the local stack's patches.

    python -m bench sweep [--leads 100000] [--due 1000]
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime, timedelta

from bench._moto import in_process_aws
from leaddesk_local.metering import ItemsRead


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(prog="python -m bench sweep")
    options.add_argument("--leads", type=int, default=100_000)
    options.add_argument("--due", type=int, default=1_000)
    args = options.parse_args(argv)
    from moto import mock_aws

    in_process_aws()
    with mock_aws():
        run(args.leads, args.due)


def run(total: int, due: int) -> None:
    from tests.helpers.leads import make_lead, put_leads

    from leaddesk import composition
    from leaddesk.adapters import aws
    from leaddesk.adapters.dynamo.items import ItemPolicy
    from leaddesk_local.provision import provision
    from leaddesk_local.stack import merged_environment
    from leaddesk_local.template import Template

    template = Template.load()
    deployment = provision(template, None)
    os.environ |= merged_environment(template, deployment)
    composition.reset()
    now = datetime.now(UTC)
    started = time.perf_counter()
    batch = 5_000
    for start in range(0, total, batch):
        leads = [
            make_lead(
                partner=f"p-{n % 500}",
                created_at=now
                - (timedelta(days=15) if n < due else timedelta(hours=1))
                - timedelta(seconds=n),
            )
            for n in range(start, min(start + batch, total))
        ]
        put_leads(leads, deployment.refs["LeadsTable"])
        done = min(start + batch, total)
        print(
            f"\r  stored {done:,}/{total:,} leads ({done / (time.perf_counter() - started):,.0f}/s)",
            end="",
            flush=True,
        )
    print()
    shards = ItemPolicy().due_shards
    sweep = composition.sweep_service()
    read = ItemsRead(aws.dynamodb())
    report = sweep.sweep(now)
    ratio = read.items / max(report.changed, 1)
    print(f"  {due:,} due among {total:,}: changed {report.changed:,}, items read {read.items:,} "
          f"({read.requests:,} requests) = {ratio:.2f} per lead changed "
          f"(target ≤ 1.1: {'met' if ratio <= 1.1 else 'MISSED'})")  # fmt: skip
    read.items = read.requests = 0
    again = sweep.sweep(now)
    print(f"  nothing due: changed {again.changed}, items read {read.items} in {read.requests} queries "
          f"(target ≤ {shards} shards: {'met' if read.items <= shards else 'MISSED'})")  # fmt: skip


if __name__ == "__main__":
    main()
