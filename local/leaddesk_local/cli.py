"""`leaddesk`: the command line for a running local stack (or a deployed stack on AWS).

    leaddesk up [--api-port 3000] [--aws-port 5000]    start the local stack (make run)
    leaddesk token --partner P --role R                a bearer token for the local API
    leaddesk send FILE...                              put events on the bus
    leaddesk sweep [--at TIME]                         run the timed rules as the schedule would at TIME
    leaddesk digest [--at TIME]                        send the digests due at TIME (the day before's)
    leaddesk mail list [--to ADDRESS] [--json]         the emails the local stack has sent
    leaddesk mail bounce ADDRESS [--complaint] [--partner P]
                                                       SES feedback about ADDRESS, through the stack's path
    leaddesk users add --partner P --email E --role R [--name N]
                                                       add a partner's person (the user pool)
    leaddesk users list --partner P [--json]           a partner's people and their roles
    leaddesk dlq list [--json]                         dead letters of ingest, with their reasons
    leaddesk dlq redrive (--id ID... | --all) [--body FILE] [--dry-run]
                                                       replay dead letters onto the ingest queue
    leaddesk export --partner P [--tab T] [--filter NAME=VALUES]... [--sort S] [--out FILE]
                                                       export a tab's list to CSV and download it
    leaddesk openapi                                   print the API's OpenAPI document
    leaddesk webhooks listen [--port 8787] [--partner P | --secret whsec_…]   receive deliveries here
    leaddesk webhooks add --partner P --url URL        register an endpoint (prints its secret)
    leaddesk events-schema [--out docs/events]         write the JSON Schema of every event (and webhook body)

Against AWS (`--aws`), the usual AWS settings apply and the stack's outputs are read from
CloudFormation (`--stack-name`, default leaddesk).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from leaddesk_local import tokens
from leaddesk_local.dlq_command import add_dlq_parsers
from leaddesk_local.local_access import SECRET_HEADER
from leaddesk_local.people_command import add_parsers as add_people_parsers
from leaddesk_local.target import STATE_PATH, CliError, Target
from leaddesk_local.template import PROJECT_ROOT, TEMPLATE_PATH


def _port(default: int, variable: str) -> int:
    return int(os.environ.get(variable, default))


IN_MEMORY_NOTICE = (
    "Everything this stack holds (leads, queues, emails, exports) lives in memory: it is gone when "
    "the stack stops, and events still in flight then are lost."
)


# --- commands --------------------------------------------------------------------------------
def cmd_up(args: argparse.Namespace) -> int:
    from leaddesk_local.gateway import Throttle
    from leaddesk_local.stack import LocalStack
    from leaddesk_local.template import Template

    def log(message: str) -> None:
        print(f"  {message}", flush=True)

    environment = {"POWERTOOLS_LOG_LEVEL": args.log_level}
    if args.email_deliverability:
        environment["EMAIL_DELIVERABILITY"] = args.email_deliverability
    stack = LocalStack(
        Template.load(Path(args.template)),
        api_port=args.api_port,
        aws_port=args.aws_port,
        retry_delay=args.retry_delay,
        environment=environment,
        log=log,
        schedule_interval=args.schedule_interval,
        throttle=Throttle(rate=args.api_rate, burst=args.api_burst),
        web_dist=Path(args.web_dist) if args.web_dist else None,
    )
    print("Starting the LeadDesk local stack…", flush=True)
    try:
        stack.start()
    except OSError as error:
        raise CliError(
            f"could not start: {error}. Is another stack running? Choose other ports with "
            "--api-port/--aws-port (or API_PORT=/AWS_PORT= with make run)."
        ) from error
    STATE_PATH.parent.mkdir(parents=True, exist_ok=True)
    # Owner-only: the state holds the per-run secret of the stack's /_local/ endpoints.
    STATE_PATH.unlink(missing_ok=True)
    descriptor = os.open(STATE_PATH, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as state:
        state.write(json.dumps(stack.state(), indent=2))
    if not args.no_samples:  # before the sample leads: they email the sample referrals admin
        from leaddesk_local.people_command import add_sample_people
        from leaddesk_local.provision import client

        add_sample_people(client("cognito-idp", stack.endpoint_url), stack.output("UserPoolId"))
    sent = 0 if args.no_samples else stack.send_samples()
    print(
        f"LeadDesk local stack ready: API {stack.api_url}  AWS endpoint {stack.endpoint_url}  "
        f"({sent} sample events ingested). Try: leaddesk token --partner p-contoso --role referrals_admin\n"
        f"  {IN_MEMORY_NOTICE}",
        flush=True,
    )
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    stopped.wait()
    print("Stopping…", flush=True)
    if STATE_PATH.exists() and json.loads(STATE_PATH.read_text(encoding="utf-8")).get("pid") == os.getpid():
        STATE_PATH.unlink()
    stack.stop()
    print("Stopped; the local state is gone.", flush=True)
    # Invocations still running past the stop's deadline are abandoned here, not joined: their
    # state was in memory only (the interpreter's own exit would wait on them or print noise).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def cmd_token(args: argparse.Namespace) -> int:
    print(tokens.issue(args.partner, args.role, ttl_seconds=args.ttl))
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    from leaddesk_local.lambda_events import bus_entry

    target = Target(args)
    bus = target.output("EventBusName")
    entries: list[tuple[Path, dict[str, Any]]] = []
    for name in args.files:
        path = Path(name)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CliError(f"{path}: no such file") from error
        except json.JSONDecodeError as error:
            raise CliError(f"{path}: not JSON ({error})") from error
        documents = document if isinstance(document, list) else [document]
        try:
            entries.extend((path, bus_entry(d) | {"EventBusName": bus}) for d in documents)
        except ValueError as error:
            raise CliError(f"{path}: {error}") from error
    events = target.client("events")
    failed = 0
    for start in range(0, len(entries), 10):
        chunk = entries[start : start + 10]
        answer = events.put_events(Entries=[entry for _, entry in chunk])
        for (path, entry), result in zip(chunk, answer["Entries"], strict=True):
            if result.get("ErrorCode"):
                failed += 1
                reason = f"{result['ErrorCode']} {result.get('ErrorMessage', '')}"
                print(f"{path}: {entry['DetailType']} rejected: {reason}")
            else:
                print(f"{path}: {entry['DetailType']} sent as event {result['EventId']}")
    return 1 if failed else 0


SWEEP_HANDLER = "sweep.app.handler"
DIGEST_HANDLER = "digest.app.handler"


def _function_with(handler: str) -> str:
    from leaddesk_local.template import Template

    for spec in Template.load().functions():
        if spec.handler == handler:
            return spec.logical_id
    raise CliError(f"template.yaml has no function with Handler {handler}")


def cmd_sweep(args: argparse.Namespace) -> int:
    """The timed rules "at" a time: the schedule's own invocation, with that time as the event's `time`."""
    return _fire_schedule(args, SWEEP_HANDLER, "sweep")


def cmd_digest(args: argparse.Namespace) -> int:
    """The digests due "at" a time: those of every earlier day that still owes one (normally the
    day before); a second run for the same day sends nothing."""
    return _fire_schedule(args, DIGEST_HANDLER, "digest")


def _fire_schedule(args: argparse.Namespace, handler: str, what: str) -> int:
    """Fire a function's schedule "at" a time.

    Local stack: the stack's control endpoint fires the function's schedule in the stack's
    process (`POST /_local/schedules/<Function>?at=TIME`). AWS: the deployed function is invoked
    with the Scheduled Event EventBridge would send.
    """
    from urllib.parse import quote

    from leaddesk_local.lambda_events import parse_time, scheduled_event

    try:
        at = parse_time(args.at) if args.at else None
    except ValueError as error:
        raise CliError(f"--at {args.at!r} is not an ISO 8601 time (e.g. 2026-12-01T09:00:00Z)") from error
    logical_id = _function_with(handler)
    target = Target(args)
    if target.aws:
        from datetime import UTC, datetime

        moment = (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        resource = target.client("cloudformation").describe_stack_resource(
            StackName=target.stack_name, LogicalResourceId=logical_id
        )["StackResourceDetail"]["PhysicalResourceId"]
        answer = target.client("lambda").invoke(
            FunctionName=resource, Payload=json.dumps(scheduled_event(moment)).encode()
        )
        result: Any = json.loads(answer["Payload"].read() or b"null")
    else:
        import urllib.error
        import urllib.request

        url = f"{target.state()['api_url']}/_local/schedules/{logical_id}"
        if at is not None:
            url += "?at=" + quote(at.isoformat())
        try:
            secret = {SECRET_HEADER: str(target.state().get("local_secret", ""))}
            request = urllib.request.Request(url, method="POST", headers=secret)
            with urllib.request.urlopen(request, timeout=300) as response:
                result = json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise CliError(f"the local stack refused the {what}: {error.read().decode()}") from error
        except urllib.error.URLError as error:
            raise CliError(
                f"no local stack answers at {url} ({error.reason}); start one with `make run`"
            ) from error
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from leaddesk_local import export_command

    target = Target(args)
    try:
        if target.aws:
            return export_command.cmd_export(args, target.output("ApiUrl"), export_command.aws_token(args))
        return export_command.cmd_export(args, target.state()["api_url"], None)
    except export_command.ExportFailed as error:
        raise CliError(str(error)) from error


def cmd_mail_list(args: argparse.Namespace) -> int:
    """The emails the local stack has sent (its SES is the local stand-in for an inbox)."""
    mails = _local_mails(Target(args))
    if args.to:
        wanted = args.to.strip().lower()
        mails = [mail for mail in mails if any(wanted in address.lower() for address in mail.to)]
    if args.json:
        print(json.dumps([mail.as_json() for mail in mails], indent=2, ensure_ascii=False))
        return 0
    if not mails:
        print("No emails sent" + (f" to {args.to}." if args.to else " yet."))
        return 0
    for mail in mails:
        print(f"--- {mail.time or '-'}  to {', '.join(mail.to)}")
        print(f"Subject: {mail.subject}")
        print(mail.text.rstrip())
        print()
    print(f"{len(mails)} email(s). `--json` prints them as JSON; `--to ADDRESS` keeps one recipient's.")
    return 0


def cmd_mail_bounce(args: argparse.Namespace) -> int:
    """A hard bounce (or a complaint) about ADDRESS, shaped like SES's event publishing, published
    on the stack's feedback topic: it travels the path SES's own feedback takes (SNS → the
    feedback queue → MailFeedbackFunction)."""
    import uuid
    from datetime import UTC, datetime

    from leaddesk.domain.feedback import FeedbackKind, ses_event

    target = Target(args)
    partner, message_id = args.partner, f"local-{uuid.uuid4()}"
    if not target.aws:
        sent = _last_mail_to(target, args.address)
        if sent is not None:
            partner = partner or sent.header("X-LeadDesk-Partner")
    if not partner:
        raise CliError(
            f"which partner emailed {args.address}? Pass --partner P (a customer's email carries no "
            "partner header to read it from)."
        )
    kind = FeedbackKind.COMPLAINT if args.complaint else FeedbackKind.BOUNCE
    event = ses_event(kind, args.address, partner, message_id, datetime.now(UTC), f"local-{uuid.uuid4()}")
    topic = target.output("MailFeedbackTopicArn")
    target.client("sns").publish(TopicArn=topic, Message=json.dumps(event))
    print(f"{kind.value} of {args.address} for partner {partner} published on {topic}")
    return 0


def _local_mails(target: Target) -> list[Any]:
    """The emails the local stack's SES holds, or what to do when no stack answers."""
    import urllib.error

    from leaddesk_local.inbox import fetch

    endpoint = target.state()["endpoint_url"]
    try:
        return fetch(endpoint)
    except urllib.error.URLError as error:
        raise CliError(
            f"no local stack answers at {endpoint} ({error}); start one with `make run`"
        ) from error


def _last_mail_to(target: Target, address: str) -> Any:
    wanted = address.strip().lower()
    found = [mail for mail in _local_mails(target) if any(wanted == to.lower() for to in mail.to)]
    return found[-1] if found else None


def cmd_openapi(args: argparse.Namespace) -> int:
    sys.path[:0] = [str(PROJECT_ROOT / "functions"), str(PROJECT_ROOT / "shared")]
    from leads_api.openapi_document import openapi_document

    print(openapi_document())
    return 0


def cmd_events_schema(args: argparse.Namespace) -> int:
    """One JSON Schema file per event type, and the envelope's (docs/events.md says why)."""
    from leaddesk.domain.contract import json_schemas

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    schemas = json_schemas()
    for stale in set(out.glob("*.json")) - {out / name for name in schemas}:
        stale.unlink()  # an event type the contract no longer has
    for name, schema in schemas.items():
        (out / name).write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(schemas)} schemas written to {out}")
    from leaddesk.domain.webhook_messages import message_schemas

    hooks = out / "webhooks"  # the bodies partners' endpoints receive
    hooks.mkdir(exist_ok=True)
    bodies = message_schemas()
    for stale in set(hooks.glob("*.json")) - {hooks / name for name in bodies}:
        stale.unlink()
    for name, schema in bodies.items():
        (hooks / name).write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(bodies)} webhook body schemas written to {hooks}")
    return 0


def _add_mail_parsers(sub: Any) -> None:
    mail = sub.add_parser("mail", help="the emails the local stack has sent")
    mail_sub = mail.add_subparsers(dest="mail_command", required=True)
    mail_list = mail_sub.add_parser("list", help="recipient, subject, text and time of each sent email")
    mail_list.add_argument(
        "--to", help="only emails to this address (case-insensitive, part of it is enough)"
    )
    mail_list.add_argument(
        "--json", action="store_true", help="one JSON array of {to, subject, text, time, …}"
    )
    mail_list.set_defaults(run=cmd_mail_list)
    bounce = mail_sub.add_parser(
        "bounce", help="SES feedback about an address (a hard bounce; --complaint: a complaint)"
    )
    bounce.add_argument("address", help="the address that bounced or complained")
    bounce.add_argument("--complaint", action="store_true", help="a complaint instead of a hard bounce")
    bounce.add_argument(
        "--partner", help="the partner whose email it was (default: read from the last email to ADDRESS)"
    )
    bounce.add_argument("--aws", action="store_true", help="publish on the deployed stack's feedback topic")
    bounce.add_argument("--stack-name", default="leaddesk", help="the deployed stack (with --aws)")
    bounce.set_defaults(run=cmd_mail_bounce)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="leaddesk", description="LeadDesk command line")
    sub = top.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="start the local stack in the foreground")
    up.add_argument("--api-port", type=int, default=_port(3000, "LEADDESK_API_PORT"))
    up.add_argument("--aws-port", type=int, default=_port(5000, "LEADDESK_AWS_PORT"))
    up.add_argument("--template", default=str(TEMPLATE_PATH))
    up.add_argument("--retry-delay", type=int, default=2, help="seconds before a failed SQS message returns")
    up.add_argument(
        "--no-samples",
        action="store_true",
        help="do not add events/people.json's people nor ingest events/inbound/*.json at start",
    )
    up.add_argument("--email-deliverability", choices=["dns", "off"], help="override the template's setting")
    up.add_argument("--log-level", default="WARNING", help="handlers' log level (INFO shows every lead)")
    up.add_argument("--web-dist", help="the built web workspace to serve at /app/ (default: web/dist)")
    up.add_argument(
        "--schedule-interval",
        type=float,
        default=float(os.environ.get("LEADDESK_SCHEDULE_INTERVAL", "60")),
        help="seconds of wall time between local runs of each Schedule event (0: only on demand)",
    )
    # AWS throttles each route at the template's DefaultRouteSettings (100/s, bursts of 200); the
    # local default is ten times that, so benchmarks and test suites are never throttled.
    up.add_argument(
        "--api-rate",
        type=float,
        default=float(os.environ.get("LEADDESK_API_RATE", "1000")),
        help="requests a second per route before the local API answers 429 (0: no limit)",
    )
    up.add_argument(
        "--api-burst",
        type=int,
        default=int(os.environ.get("LEADDESK_API_BURST", "2000")),
        help="requests a route may take at once before the rate applies",
    )
    up.set_defaults(run=cmd_up)

    token = sub.add_parser("token", help="print a local bearer token")
    token.add_argument("--partner", required=True)
    token.add_argument(
        "--role", required=True, action="append", choices=tokens.ROLES, help="repeat for several roles"
    )
    token.add_argument("--ttl", type=int, default=12 * 3600, help="seconds the token is valid")
    token.set_defaults(run=cmd_token)

    send = sub.add_parser("send", help="put events (JSON files) on the bus")
    send.add_argument("files", nargs="+")
    send.set_defaults(run=cmd_send)

    sweep = sub.add_parser("sweep", help="run the timed rules as the schedule would at a time")
    sweep.add_argument("--at", help="ISO 8601 time the schedule fires at (default: now)")
    sweep.set_defaults(run=cmd_sweep)

    from leaddesk_local import export_command

    export = export_command.add_parser(sub)
    export.set_defaults(run=cmd_export)
    digest = sub.add_parser("digest", help="send the digests due at a time (those of the days before)")
    digest.add_argument("--at", help="ISO 8601 time the daily schedule fires at (default: now)")
    digest.set_defaults(run=cmd_digest)

    _add_mail_parsers(sub)

    from leaddesk_local import webhooks_command

    webhooks_command.add_parsers(sub)

    openapi = sub.add_parser("openapi", help="print the OpenAPI document")
    openapi.set_defaults(run=cmd_openapi)

    events_schema = sub.add_parser("events-schema", help="write the JSON Schema of every LeadDesk event")
    events_schema.add_argument("--out", default=str(PROJECT_ROOT / "docs" / "events"), help="the directory")
    events_schema.set_defaults(run=cmd_events_schema)

    for command in (send, sweep, digest, export, *add_dlq_parsers(sub), *add_people_parsers(sub)):
        command.add_argument("--aws", action="store_true", help="use the deployed stack on AWS")
        command.add_argument("--stack-name", default="leaddesk")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        result: int = args.run(args)
    except CliError as error:
        print(f"leaddesk: {error}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    raise SystemExit(main())
