"""CRM push under faults: partners' endpoints receive every lead event the run makes, while
DynamoDB, SQS and EventBridge fail at random and the receivers themselves answer 500 or 503
(with Retry-After) to a third of the attempts.

The suite plays the clock: SQS delays are cut to nothing (the stage pumps what is queued), and
the retries that wait in the due index are queued by the retry function's schedule fired hours
later on the stage's clock, until no delivery is pending.

Accounted, for every endpoint and every lead event it subscribed to (from the bus's record of
LeadDesk's events):
- lost: an event without its delivery, or a delivery never attempted to the end;
- wrong: a delivery `delivered` without a 2xx answer from the receiver to that message id, a
  request whose signature does not verify, a request whose message id is no delivery's;
- doubled: one change delivered under two message ids (a duplicate is only ever the same id);
- stuck: a delivery still `pending` once no retry is left to wait for.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import random
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from leaddesk.domain.webhook_messages import WebhookEvent
from tests.helpers.webhooks import hand_signature
from tests.reliability.harness import Stage
from tests.reliability.workloads import Figures, table_items

# LeadDesk's own events → the webhook event each is sent as (lead.archived only when closed as an error).
SENT_AS = {
    "lead.received": "lead.received",
    "lead.accepted": "lead.accepted",
    "lead.declined": "lead.declined",
    "lead.edited": "lead.updated",
    "lead.qualified": "lead.qualified",
    "lead.evaluated": "lead.evaluated",
    "lead.won": "lead.won",
    "lead.lost": "lead.lost",
    "lead.converted": "lead.converted",
    "lead.expired": "lead.expired",
}


@dataclass
class Received:
    message_id: str
    status: int
    verified: bool


class FlakyReceiver:
    """The partners' CRMs: one HTTP server on 127.0.0.1, each path an endpoint, that answers 500
    or 503 (Retry-After: 1) to about a third of the requests, seeded."""

    def __init__(self, seed: int) -> None:
        self.secrets: dict[str, str] = {}  # path → secret
        self.received: dict[str, list[Received]] = defaultdict(list)  # path → requests
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, extra = receiver.answer(self.path, headers, body)
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
        # The signature from its definition: the stage's clock runs hours ahead of this one, so a
        # library's five-minute timestamp window would refuse what is correctly signed.
        secret = self.secrets.get(path, "whsec_")
        expected = hand_signature(
            secret, headers.get("webhook-id", ""), headers.get("webhook-timestamp", ""), body
        )
        verified = expected in headers.get("webhook-signature", "").split(" ")
        with self._lock:
            roll = self._random.random()
            status, extra = (
                (500, {}) if roll < 0.2 else (503, {"Retry-After": "1"}) if roll < 0.33 else (200, {})
            )
            self.received[path].append(Received(headers.get("webhook-id", ""), status, verified))
        return status, extra

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class WebhookEndpointsWorkload:
    """Runs first: the endpoints (registered through the API, under faults) the later workloads'
    lead events go to."""

    seed: int
    receiver: FlakyReceiver | None = None
    endpoints: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # id → (partner, events)
    answers: Counter[int] = field(default_factory=Counter)

    def run(self, stage: Stage) -> None:
        os.environ["WEBHOOK_ALLOW_LOOPBACK"] = "true"  # the receivers listen on this machine
        self.receiver = FlakyReceiver(self.seed)
        every = [e.value for e in WebhookEvent if e is not WebhookEvent.TEST]
        for partner, events in (("p-rel-0", every), ("p-rel-1", every), ("p-rel-1", ["lead.received"])):
            path = f"/{partner}/{len(self.endpoints)}"
            status, created, _ = stage.api(
                "POST",
                "/webhooks",
                "/webhooks",
                partner,
                {"url": f"http://127.0.0.1:{self.receiver.port}{path}", "events": events},
                function="webhooks_api.app",
            )
            self.answers[status] += 1
            assert status == 201, created
            self.receiver.secrets[path] = created["secret"]
            self.endpoints[created["id"]] = (partner, events)

    def account(self, stage: Stage, figures: Figures) -> None:
        figures.say(f"webhooks: {len(self.endpoints)} endpoints registered ({dict(self.answers)})")


@dataclass
class WebhookDeliveriesWorkload:
    """Runs last: every retry waited out, then every lead event accounted for at every endpoint."""

    endpoints: WebhookEndpointsWorkload
    rounds: int = 0

    def run(self, stage: Stage) -> None:
        from webhook_retry.app import handler as retry

        for self.rounds in range(1, 30):
            stage.pump()
            if not any(d["status"] == "pending" for d in _deliveries(stage)):
                return
            stage.wait(timedelta(hours=10, minutes=1))  # the longest wait of the schedule
            stage.scheduled(retry, stage.now(), "WebhookRetryFunction")

    def account(self, stage: Stage, figures: Figures) -> None:
        receiver = self.endpoints.receiver
        assert receiver is not None
        deliveries = _deliveries(stage)
        by_endpoint: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for delivery in deliveries:
            by_endpoint[delivery["endpoint_id"]][delivery["message_id"]] = delivery
        expected = _expected(stage, self.endpoints.endpoints)
        statuses = Counter(d["status"] for d in deliveries)
        requests = 0
        for endpoint_id, changes in expected.items():
            got = by_endpoint.get(endpoint_id, {})
            tails = Counter(message_id[-16:] for message_id in got)
            for change in changes:
                if tails[_tail(change)] == 0:
                    figures.lost += 1
                    figures.note(f"webhook {endpoint_id}: no delivery of {change}")
            doubled = sum(n - 1 for n in tails.values() if n > 1)
            figures.doubled += doubled
            path = next(
                p
                for p in receiver.secrets
                if p.endswith(f"/{list(self.endpoints.endpoints).index(endpoint_id)}")
            )
            seen = receiver.received.get(path, [])
            requests += len(seen)
            answered_2xx = {r.message_id for r in seen if 200 <= r.status < 300}
            for request in seen:
                if not request.verified or request.message_id not in got:
                    figures.wrong += 1
                    figures.note(
                        f"webhook {endpoint_id}: request {request.message_id} verified={request.verified}"
                    )
            for message_id, delivery in got.items():
                if delivery["status"] == "delivered" and message_id not in answered_2xx:
                    figures.wrong += 1
                    figures.note(f"webhook {message_id} delivered without a 2xx")
                if delivery["status"] == "pending":
                    figures.stuck += 1
                    figures.note(f"webhook {message_id} left pending after {delivery['attempts']} attempts")
        duplicates = sum(
            n - 1
            for path, seen in receiver.received.items()
            for n in Counter(r.message_id for r in seen if 200 <= r.status < 300).values()
            if n > 1
        )
        figures.say(
            f"webhooks: {sum(len(c) for c in expected.values())} lead events owed to the endpoints, "
            f"{len(deliveries)} deliveries ({dict(sorted(statuses.items()))}), {requests} POSTs received "
            f"({duplicates} repeated 2xx of one message id), {self.rounds} retry rounds"
        )
        receiver.stop()


def _deliveries(stage: Stage) -> list[dict[str, Any]]:
    return [json.loads(i["doc"]["S"]) for i in table_items(stage) if i["SK"]["S"].startswith("WHD#")]


def _expected(stage: Stage, endpoints: dict[str, tuple[str, list[str]]]) -> dict[str, set[str]]:
    """Endpoint → the changes it is owed (`partner/lead/detail-type/version`), from the bus's record."""
    owed: dict[str, set[str]] = defaultdict(set)
    for event in stage.captured():
        detail, detail_type = event.get("detail") or {}, event.get("detail-type", "")
        sent_as = SENT_AS.get(detail_type)
        if detail_type == "lead.archived" and detail.get("action") == "close_as_error":
            sent_as = "lead.closed_as_error"
        if sent_as is None:
            continue
        change = f"{detail['partner_id']}/{detail['lead_id']}/{detail_type}/{detail['version']}"
        for endpoint_id, (partner, events) in endpoints.items():
            if partner == detail["partner_id"] and sent_as in events:
                owed[endpoint_id].add(change)
    return owed


def _tail(change: str) -> str:
    """The random part of the message id LeadDesk derives from a change (its ULID's last 16 characters)."""
    from ulid import ULID

    return str(ULID.from_bytes(bytes(6) + hashlib.sha256(change.encode()).digest()[:10]))[-16:]
