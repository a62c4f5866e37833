"""`leaddesk webhooks listen|add`: receive a partner's lead deliveries on this machine.

    leaddesk webhooks listen [--port 8787] [--partner P | --secret whsec_…] [--json] [--keep]
    leaddesk webhooks add --partner P --url URL [--event TYPE ...] [--description TEXT]

`listen` runs a receiver on 127.0.0.1 that verifies each delivery's Standard Webhooks signature
(with the `standardwebhooks` package, independent of how LeadDesk signs) and prints it: the
event type, the message id, the lead and its etag — or why it was refused (401: a bad or missing
signature, as a real receiver should answer). With `--partner` it registers itself as an endpoint
of that partner on the local stack (a local token, `POST /webhooks`), verifies with the secret
the API answered, and removes the endpoint when stopped (unless `--keep`). With `--secret` it
verifies deliveries to an endpoint registered otherwise.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

DEFAULT_PORT = 8787


@dataclass
class Delivery:
    """One request the listener received, and what it made of it."""

    message_id: str | None
    verified: bool
    reason: str | None
    body: Any
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def line(self) -> str:
        stamp = self.at.strftime("%H:%M:%S")
        if not self.verified:
            return f"{stamp}  REFUSED {self.message_id or '-'}: {self.reason}"
        body = self.body if isinstance(self.body, dict) else {}
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        what = ", ".join(
            f"{name}={data[name]}"
            for name in ("lead_id", "status", "etag", "endpoint_id")
            if isinstance(data, dict) and data.get(name) is not None
        )
        company = ((data or {}).get("customer") or {}).get("company")
        company_text = f" [{company}]" if company else ""
        return f"{stamp}  {body.get('type', '?'):<22} {self.message_id}  {what}{company_text}"


class Listener:
    """A receiver on 127.0.0.1:`port` that verifies each delivery with `secret` (when known)."""

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        secret: str | None = None,
        on_delivery: Callable[[Delivery], None] = lambda _: None,
    ) -> None:
        self.secret = secret
        self.deliveries: list[Delivery] = []
        self._on_delivery = on_delivery
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self.port = int(self._server.server_address[1])
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> Listener:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="webhooks-listen", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def receive(self, headers: dict[str, str], body: bytes) -> int:
        """Verify one request; the status to answer (204 verified, 401 refused)."""
        message_id = headers.get("webhook-id")
        if self.secret is None:
            delivery = Delivery(message_id, False, "no secret to verify with (--partner or --secret)", None)
        else:
            try:
                parsed = Webhook(self.secret).verify(body, headers)
                delivery = Delivery(message_id, True, None, parsed)
            except WebhookVerificationError as error:
                delivery = Delivery(message_id, False, str(error), None)
        with self._lock:
            self.deliveries.append(delivery)
        self._on_delivery(delivery)
        return 204 if delivery.verified else 401

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, 1_000_000))
                headers = {name.lower(): value for name, value in self.headers.items()}
                self.send_response(listener.receive(headers, body))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # the listener prints its own lines
                pass

        return Handler


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM ends the listener as Ctrl-C does: its endpoint is removed


# --- the command ------------------------------------------------------------------------------------
def add_parsers(sub: Any) -> None:
    hooks = sub.add_parser("webhooks", help="receive lead deliveries on this machine, register endpoints")
    hooks_sub = hooks.add_subparsers(dest="webhooks_command", required=True)
    listen = hooks_sub.add_parser("listen", help="a local receiver that verifies and prints each delivery")
    listen.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    listen.add_argument(
        "--partner", help="register this receiver as an endpoint of the partner (local stack)"
    )
    listen.add_argument("--secret", help="verify with this whsec_… secret (an endpoint registered otherwise)")
    listen.add_argument("--event", dest="events", action="append", help="with --partner: only this type")
    listen.add_argument("--json", action="store_true", help="print each verified body as JSON")
    listen.add_argument("--keep", action="store_true", help="with --partner: keep the endpoint when stopped")
    listen.set_defaults(run=cmd_listen)
    add = hooks_sub.add_parser("add", help="register an endpoint of a partner (prints its secret once)")
    add.add_argument("--partner", required=True)
    add.add_argument("--url", required=True)
    add.add_argument(
        "--event", dest="events", action="append", help="an event type (default: all lead events)"
    )
    add.add_argument("--description")
    add.set_defaults(run=cmd_add)


def _api(partner: str) -> Any:
    from leaddesk_local import tokens
    from leaddesk_local.export_command import ApiClient
    from leaddesk_local.target import Target

    api_url = Target(argparse.Namespace()).state()["api_url"]
    return ApiClient(api_url, tokens.issue(partner, ["referrals_admin"], subject=f"{partner}-cli"))


def register(partner: str, url: str, events: list[str] | None, description: str | None) -> dict[str, Any]:
    from leaddesk_local.export_command import ExportFailed
    from leaddesk_local.target import CliError

    body: dict[str, Any] = {"url": url, "description": description}
    if events:
        body["events"] = events
    try:
        status, created, _ = _api(partner).call("POST", "/webhooks", body)
    except ExportFailed as error:  # no API answers: the message says to start the stack
        raise CliError(str(error)) from error
    if status != 201:
        raise CliError(f"the API refused the endpoint ({status}): {created}")
    return dict(created)


def cmd_add(args: argparse.Namespace) -> int:
    created = register(args.partner, args.url, args.events, args.description)
    print(json.dumps(created, indent=2))
    return 0


def cmd_listen(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    def show(delivery: Delivery) -> None:
        print(delivery.line(), file=out, flush=True)
        if args.json and delivery.verified:
            print(json.dumps(delivery.body, indent=2, ensure_ascii=False), file=out, flush=True)

    listener = Listener(args.port, args.secret, show)
    endpoint: dict[str, Any] | None = None
    if args.partner:
        endpoint = register(args.partner, listener.url, args.events, "leaddesk webhooks listen")
        listener.secret = endpoint["secret"]
        print(f"Registered endpoint {endpoint['id']} of {args.partner} → {listener.url}", file=out)
        print(f"Its signing secret: {endpoint['secret']}", file=out)
    elif not args.secret:
        print(
            "No --partner nor --secret: deliveries are printed as refused (nothing to verify with).", file=out
        )
    print(
        f"Listening on {listener.url} — each delivery is verified and printed. Ctrl-C stops.",
        file=out,
        flush=True,
    )
    listener.start()
    signal.signal(signal.SIGTERM, _stop)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        listener.stop()
        if endpoint is not None and not args.keep:
            _api(args.partner).call("DELETE", f"/webhooks/{endpoint['id']}")
            print(f"Removed endpoint {endpoint['id']}.", file=out)
    return 0
