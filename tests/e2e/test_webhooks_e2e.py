"""CRM push on a real local stack: `leaddesk webhooks listen`'s receiver registered through the
API, a lead sent on the bus and answered over HTTP arrives signed, verified and in order."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from leaddesk_local.webhooks_command import Delivery, Listener
from tests.helpers.stack import RunningStack, token

pytestmark = pytest.mark.e2e
PARTNER = "p-e2e-hooks"


def wait_for(listener: Listener, count: int, timeout: float = 30) -> list[Delivery]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(listener.deliveries) >= count:
            return listener.deliveries
        time.sleep(0.05)
    pytest.fail(f"expected {count} deliveries, got {listener.deliveries}")


def test_a_lead_reaches_the_local_listener_signed(local_stack: RunningStack, tmp_path: Path) -> None:
    bearer = {"Authorization": f"Bearer {token(local_stack, PARTNER)}"}
    listener = Listener(port=0).start()
    try:
        created = httpx.post(f"{local_stack.api_url}/webhooks", headers=bearer, json={"url": listener.url})
        assert created.status_code == 201, created.text
        listener.secret = created.json()["secret"]
        event = {
            "detail-type": "Marketplace Lead",
            "source": "e2e.producer",
            "detail": {
                "partner_id": PARTNER,
                "event_id": "e2e-hooks-1",
                "UserDetails": {"FirstName": "Kim", "Email": "kim@buyer.example", "Company": "Buyer"},
                "LeadSource": "AppSource-PLT | contoso.crm",
                "ActionCode": "PLT",
            },
        }
        (tmp_path / "lead.json").write_text(json.dumps(event), encoding="utf-8")
        assert local_stack.cli("send", str(tmp_path / "lead.json")).returncode == 0
        (received,) = wait_for(listener, 1)
        assert received.verified, received.reason
        lead = received.body["data"]
        assert received.body["type"] == "lead.received" and lead["customer"]["company"] == "Buyer"
        accepted = httpx.post(
            f"{local_stack.api_url}/leads/{lead['lead_id']}/accept",
            headers=bearer,
            json={"deal_name": "Buyer CRM", "estimated_value": 900, "estimated_close_date": "2027-03-01"},
        )
        assert accepted.status_code == 200, accepted.text
        _, update = wait_for(listener, 2)
        assert update.verified and update.body["type"] == "lead.accepted"
        assert update.body["data"]["etag"] != lead["etag"]  # a receiver keeps the newer version
        log = httpx.get(f"{local_stack.api_url}/webhooks/{created.json()['id']}/deliveries", headers=bearer)
        assert [d["status"] for d in log.json()["items"]] == ["delivered", "delivered"]
        assert [d["event_type"] for d in log.json()["items"]] == ["lead.accepted", "lead.received"]
    finally:
        listener.stop()
