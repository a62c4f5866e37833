"""CRM push on the local stack: delivery throughput, the latency of a lead change, writes per delivery.

    python -m bench webhooks [--events 500] [--changes 40]

`leaddesk up` as `make run` starts it, and a receiver in this process (a threaded HTTP server on
127.0.0.1 answering 204) registered as a partner's endpoint through the API.

throughput: `--events` accepted leads are stored and one `lead.edited` event each is put on the
bus (sent as `lead.updated`; the notifier does not act on edits, so the stack does webhook work
only); deliveries/s is the count of distinct message ids received over the time from the first
PutEvents to the last delivery. The baseline, in the same run: the same number of bodies signed
with the `standardwebhooks` package and POSTed one after another from this process to the same
receiver (urllib3, a new connection each, as the delivery function makes them).
DynamoDB write requests per delivery are counted by the stack on the handlers' own clients.

latency: `--changes` leads accepted one at a time through the API, each 0.25 s after the last;
from the moment the request is sent to the moment the receiver holds the `lead.accepted`
delivery; p50 and p95.
"""

from __future__ import annotations

import argparse
import http.server
import json
import statistics
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DAY = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
WRITES = ("TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem")


class Receiver:
    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}  # message id → first arrival (perf_counter)
        self.bodies: dict[str, dict[str, Any]] = {}
        self.posts = 0
        lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                now = time.perf_counter()
                message_id = self.headers.get("webhook-id", "")
                with lock:
                    receiver.posts += 1
                    if message_id and message_id not in receiver.arrivals:
                        receiver.arrivals[message_id] = now
                        receiver.bodies[message_id] = json.loads(body or b"{}")
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.arrivals) < count and time.monotonic() < deadline:
            time.sleep(0.01)


def _api(api_url: str, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{api_url}{path}", data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, json.loads(response.read() or b"null")


def _requests(api_url: str) -> Counter[str]:
    with urllib.request.urlopen(f"{api_url}/_local/requests", timeout=30) as response:
        return Counter(json.loads(response.read()))


def baseline(receiver: Receiver, count: int, secret: str) -> float:
    """Bodies signed with standardwebhooks and POSTed one by one from this process: per second."""
    import urllib3
    from standardwebhooks.webhooks import Webhook

    signer = Webhook(secret)
    body = json.dumps({"type": "lead.updated", "timestamp": DAY.isoformat(), "data": {"lead_id": "x" * 26}})
    started = time.perf_counter()
    for n in range(count):
        message_id, now = f"msg_baseline_{n}", datetime.now(UTC)
        headers = {
            "webhook-id": message_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signer.sign(message_id, now, body),
            "Content-Type": "application/json",
        }
        pool = urllib3.HTTPConnectionPool("127.0.0.1", receiver.port, retries=False, timeout=10)
        pool.urlopen("POST", "/bench", body=body.encode(), headers=headers, redirect=False).release_conn()
        pool.close()
    return count / (time.perf_counter() - started)


def run(events: int, changes: int) -> dict[str, float]:
    from tests.helpers.leads import make_lead, put_leads

    from leaddesk.adapters.dynamo.items import ItemPolicy
    from leaddesk.domain.contract import LeadEdited
    from leaddesk.domain.events import lead_fields
    from leaddesk.domain.lifecycle import Action
    from leaddesk.domain.models import LeadStatus
    from leaddesk_local import tokens
    from leaddesk_local.process import running_stack
    from leaddesk_local.provision import client

    partner = "p-bench-hooks"
    receiver = Receiver()
    print(
        f"[webhooks] {events:,} lead changes and {changes} accepts on `leaddesk up`; receiver on :{receiver.port}"
    )
    with (
        tempfile.TemporaryDirectory(prefix="leaddesk-bench-") as state,
        running_stack(Path(state), "--no-samples", "--schedule-interval", "0") as stack,
    ):
        token = tokens.issue(partner, ["referrals_admin"], subject="bench")
        status, endpoint = _api(
            stack.api_url, token, "POST", "/webhooks", {"url": f"http://127.0.0.1:{receiver.port}/crm"}
        )
        assert status == 201, endpoint
        outputs = stack.state["outputs"]
        table, bus = outputs["LeadsTableName"], outputs["EventBusName"]
        accepted = [
            make_lead(partner=partner, created_at=DAY + timedelta(seconds=n), status=LeadStatus.ACCEPTED, version=2)
            for n in range(events)
        ]  # fmt: skip
        received = [
            make_lead(partner=partner, created_at=DAY + timedelta(days=1, seconds=n)) for n in range(changes)
        ]
        put_leads([*accepted, *received], table, stack.endpoint_url, ItemPolicy())
        events_client = client("events", stack.endpoint_url)

        base_rate = baseline(receiver, min(events, 300), endpoint["secret"])
        before = _requests(stack.api_url)
        expected = len(receiver.arrivals) + events
        started = time.perf_counter()
        for start in range(0, events, 10):
            entries = [
                {"Source": "leaddesk", "DetailType": "lead.edited", "EventBusName": bus,
                 "Detail": LeadEdited(**lead_fields(lead), action=Action.EDIT, actor="bench",
                                      from_status=LeadStatus.ACCEPTED).model_dump_json()}
                for lead in accepted[start : start + 10]
            ]  # fmt: skip
            assert not events_client.put_events(Entries=entries).get("FailedEntryCount")
        receiver.wait_for(expected, timeout=1800)
        seconds = max(receiver.arrivals.values()) - started
        delivered = len(receiver.arrivals) - (expected - events)
        counts = _requests(stack.api_url) - before
        rate = delivered / seconds

        latencies: list[float] = []
        for lead in received:
            sent = time.perf_counter()
            status, _ = _api(
                stack.api_url,
                token,
                "POST",
                f"/leads/{lead.lead_id}/accept",
                {"deal_name": "Bench", "estimated_value": 100, "estimated_close_date": "2027-06-30"},
            )
            assert status == 200
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                found = [
                    at
                    for message_id, at in list(receiver.arrivals.items())
                    if receiver.bodies[message_id].get("type") == "lead.accepted"
                    and receiver.bodies[message_id]["data"]["lead_id"] == lead.lead_id
                ]
                if found:
                    latencies.append(found[0] - sent)
                    break
                time.sleep(0.005)
            time.sleep(0.25)
    writes = sum(counts[op] for op in WRITES)
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 2 else float("nan")
    figures = {
        "deliveries": delivered,
        "deliveries_per_s": rate,
        "signed_posts_per_s": base_rate,
        "ratio": rate / base_rate,
        "dynamodb_writes_per_delivery": writes / max(delivered, 1),
        "latency_p50_s": statistics.median(latencies),
        "latency_p95_s": p95,
    }
    print(f"    bare signed POSTs from this process (baseline): {base_rate:8,.0f} /s")
    print(
        f"    lead change on the bus → delivery            : {rate:8,.0f} /s = {figures['ratio']:.2f} × baseline  (goal ≥ 0.5: {'met' if figures['ratio'] >= 0.5 else 'MISSED'})"
    )
    print(
        f"    DynamoDB writes per delivery: {figures['dynamodb_writes_per_delivery']:.2f} (goal ≤ 2: {'met' if figures['dynamodb_writes_per_delivery'] <= 2 else 'MISSED'}); "
        f"requests in the run: {dict(sorted(counts.items()))}"
    )
    print(f"    accept over HTTP → lead.accepted received, {len(latencies)} changes: p50 {figures['latency_p50_s'] * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms (goal ≤ 1 s: {'met' if p95 <= 1 else 'MISSED'})")  # fmt: skip
    return figures


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(prog="python -m bench webhooks")
    options.add_argument("--events", type=int, default=500)
    options.add_argument("--changes", type=int, default=40)
    args = options.parse_args(argv or [])
    run(args.events, args.changes)


if __name__ == "__main__":
    main()
