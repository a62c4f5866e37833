"""Where the local stack's memory goes: what moto holds per stored lead item.

Leads are written with `put_item` into the template's table on in-process moto with the local
stack's patches (as `leaddesk up` runs it); tracemalloc compares the heap before and after the
measured items and groups what stayed by the file that allocated it.

    python -m bench motomemory [--leads 2000]
"""

from __future__ import annotations

import argparse
import gc
import json
import tracemalloc

from bench._moto import in_process_aws

SITE = "site-packages/"


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(prog="python -m bench motomemory")
    options.add_argument("--leads", type=int, default=2_000)
    args = options.parse_args(argv)
    from moto import mock_aws
    from tests.helpers.leads import make_lead

    from leaddesk.adapters.dynamo.items import ItemPolicy, lead_to_item
    from leaddesk_local.provision import client, provision
    from leaddesk_local.template import Template

    in_process_aws()
    with mock_aws():
        table = provision(Template.load(), None).refs["LeadsTable"]
        db = client("dynamodb", None)
        warmup = 500  # moto's first items build its lazily made structures
        items = [
            lead_to_item(make_lead(partner="p-memory"), ItemPolicy()) for _ in range(warmup + args.leads)
        ]
        for item in items[:warmup]:
            db.put_item(TableName=table, Item=item)
        gc.collect()
        tracemalloc.start(1)
        before = tracemalloc.take_snapshot()
        for n, item in enumerate(items[warmup:], start=1):
            db.put_item(TableName=table, Item=item)
            if n % 500 == 0:
                print(f"\r  stored {n:,}/{args.leads:,} lead items", end="", flush=True)
        print()
        gc.collect()
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
    measured = items[warmup:]
    json_kb = sum(len(json.dumps(item)) for item in measured) / len(measured) / 1024
    stats = after.compare_to(before, "filename")
    per_item_kb = sum(stat.size_diff for stat in stats) / len(measured) / 1024
    print(
        f"moto holds {per_item_kb:.2f} KB per lead item ({json_kb:.2f} KB as DynamoDB JSON), by allocating file:"
    )
    for stat in stats[:6]:
        print(f"  {stat.size_diff / len(measured) / 1024:6.2f} KB  {_short(stat.traceback[0].filename)}")


def _short(path: str) -> str:
    """A library's file from its package, ours from the project root, the standard library's from it."""
    from leaddesk_local.template import PROJECT_ROOT

    if SITE in path:
        return path.rsplit(SITE, maxsplit=1)[-1]
    if path.startswith(str(PROJECT_ROOT)):
        return path.removeprefix(str(PROJECT_ROOT) + "/")
    return "stdlib " + path.rsplit("/lib/", 1)[-1]


if __name__ == "__main__":
    main()
