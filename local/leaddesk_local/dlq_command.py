"""`leaddesk dlq list|redrive`: ingest's dead letters with their reasons, and replaying them."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from leaddesk_local.target import CliError, Target


def _dead_letter_queues(target: Target) -> tuple[Any, str]:
    """(the dead-letter queue adapter, the ingest queue's URL) of the target stack."""
    from leaddesk.adapters.dead_letters import DeadLetterQueue

    sqs = target.client("sqs")
    ingest_url = str(sqs.get_queue_url(QueueName=target.output("IngestQueueName"))["QueueUrl"])
    return DeadLetterQueue(sqs, target.output("IngestDeadLetterQueueUrl")), ingest_url


def cmd_dlq_list(args: argparse.Namespace) -> int:
    dlq, _ = _dead_letter_queues(Target(args))
    with dlq.held() as letters:
        rows = [letter.summary() for letter in letters]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("No dead letters: every inbound event was ingested or is still on its way.")
        return 0
    columns = ("id", "event_id", "detail_type", "partner_id", "field", "reason")
    widths = {c: max(len(c), *(len(str(row[c] or "-")) for row in rows)) for c in columns[:-1]}
    print("  ".join(c.upper().ljust(widths[c]) for c in columns[:-1]) + "  REASON")
    for row in rows:
        print("  ".join(str(row[c] or "-").ljust(widths[c]) for c in columns[:-1]) + f"  {row['reason']}")
    print(
        f"{len(rows)} dead letter(s). Replay with `leaddesk dlq redrive --id ID` (or --all); "
        "fix a bad one with --body FILE."
    )
    return 0


def cmd_dlq_redrive(args: argparse.Namespace) -> int:
    if not args.all and not args.ids:
        raise CliError(
            "say which dead letters to replay: --id ID (repeatable; a dead letter's or event's id) or --all"
        )
    fixed_body: str | None = None
    if args.body:
        if args.all or len(args.ids) != 1:
            raise CliError("--body replaces the body of one dead letter: use it with a single --id")
        try:
            fixed_body = Path(args.body).read_text(encoding="utf-8")
        except FileNotFoundError as error:
            raise CliError(f"{args.body}: no such file") from error
    dlq, ingest_url = _dead_letter_queues(Target(args))
    with dlq.held() as letters:
        if args.all:
            chosen = letters
        else:
            missing = [wanted for wanted in args.ids if not any(letter.matches(wanted) for letter in letters)]
            if missing:
                raise CliError(
                    f"no dead letter has the id {', '.join(missing)}; `leaddesk dlq list` shows their ids "
                    "(a dead letter's id or its event id)"
                )
            chosen = [letter for letter in letters if any(letter.matches(w) for w in args.ids)]
        verb = "would replay" if args.dry_run else "replayed"
        for count, letter in enumerate(chosen, start=1):
            label = f"{letter.message_id} (event {letter.event_id or '-'}, {letter.reason})"
            if args.dry_run:
                print(f"[{count}/{len(chosen)}] {verb} {label}", flush=True)
                continue
            try:
                new_id = dlq.redrive(letter, ingest_url, fixed_body)
            except Exception as error:
                raise CliError(
                    f"could not replay {letter.message_id}: {error}. It is still in the dead-letter queue; "
                    "run the command again once the ingest queue is reachable."
                ) from error
            print(f"[{count}/{len(chosen)}] {verb} {label} as message {new_id}", flush=True)
    if not chosen:
        print("No dead letters to replay.")
    elif args.dry_run:
        print(f"Dry run: {len(chosen)} dead letter(s) left in place.")
    else:
        print(
            f"{len(chosen)} dead letter(s) sent back to the ingest queue; "
            "`leaddesk dlq list` shows what is left."
        )
    return 0


def add_dlq_parsers(sub: Any) -> list[argparse.ArgumentParser]:
    dlq = sub.add_parser("dlq", help="show and replay ingest's dead letters")
    dlq_sub = dlq.add_subparsers(dest="dlq_command", required=True)
    listing = dlq_sub.add_parser("list", help="dead letters with their reasons")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(run=cmd_dlq_list)
    redrive = dlq_sub.add_parser(
        "redrive", help="send dead letters back to the ingest queue (removed only once re-sent)"
    )
    redrive.add_argument(
        "--id", dest="ids", action="append", default=[], help="a dead letter's id or event id (repeatable)"
    )
    redrive.add_argument("--all", action="store_true", help="every dead letter")
    redrive.add_argument("--body", help="replay this file's content instead of the stored body (one --id)")
    redrive.add_argument("--dry-run", action="store_true", help="show what would be replayed; change nothing")
    redrive.set_defaults(run=cmd_dlq_redrive)
    return [listing, redrive]
