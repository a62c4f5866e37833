"""The CRM push's pure rules: where deliveries may go, the retry schedule, the event mapping, the
message ids, and the signature against its definition."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
from datetime import UTC, datetime, timedelta

import jsonschema
import pytest
from standardwebhooks.webhooks import Webhook

from leaddesk.domain.contract import LeadArchived, LeadEdited, LeadReceived
from leaddesk.domain.events import lead_fields
from leaddesk.domain.lifecycle import Action
from leaddesk.domain.models import LeadStatus
from leaddesk.domain.signing import signature_headers
from leaddesk.domain.views import present
from leaddesk.domain.webhook_addresses import check_address, check_url
from leaddesk.domain.webhook_messages import LeadMessage, encode_body, message_id, webhook_event_of
from leaddesk.domain.webhooks import (
    MAX_ATTEMPTS,
    AttemptResult,
    UrlRefused,
    new_secret,
    next_attempt,
    parse_retry_after,
)
from leaddesk_local.template import PROJECT_ROOT
from tests.helpers.leads import make_lead

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

REFUSED = [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "100.64.0.1",  # carrier-grade NAT
    "169.254.169.254",  # metadata
    "169.254.10.10",
    "0.0.0.0",
    "224.0.0.1",
    "::1",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",  # metadata over IPv6
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "::127.0.0.1",  # IPv4-compatible
]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    with pytest.raises(UrlRefused):
        check_address(ipaddress.ip_address(address), allow_loopback=False)


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    check_address(ipaddress.ip_address(address), allow_loopback=False)


def test_the_local_stack_allows_loopback_but_never_metadata_or_private() -> None:
    check_address(ipaddress.ip_address("127.0.0.1"), allow_loopback=True)
    check_address(ipaddress.ip_address("::1"), allow_loopback=True)
    for address in ("169.254.169.254", "10.0.0.1", "fd00:ec2::254", "::ffff:169.254.169.254"):
        with pytest.raises(UrlRefused):
            check_address(ipaddress.ip_address(address), allow_loopback=True)


def test_urls() -> None:
    assert check_url("https://crm.example.com/hook?x=1", allow_loopback=False)
    assert check_url("http://127.0.0.1:8787/leads", allow_loopback=True)
    assert check_url("http://localhost:8787/leads", allow_loopback=True)
    for url, local in [
        ("http://127.0.0.1:8787/leads", False),
        ("http://localhost:8787/leads", False),
        ("https://localhost/leads", False),
        ("http://crm.example.com/hook", True),  # http only to this machine
        ("https://metadata.google.internal/", False),
        ("https://a:b@crm.example.com/", False),
        ("https://crm.example.com:99999/", False),
        ("https:///nohost", False),
    ]:
        with pytest.raises(UrlRefused):
            check_url(url, allow_loopback=local)


def test_the_retry_schedule() -> None:
    failure = AttemptResult(status_code=500)
    waits = []
    for attempts in range(1, MAX_ATTEMPTS + 1):
        due = next_attempt(attempts, failure, NOW)
        waits.append(None if due is None else due - NOW)
    hours = timedelta(hours=1)
    assert waits == [
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
        2 * hours,
        5 * hours,
        10 * hours,
        10 * hours,
        None,
    ]
    assert next_attempt(1, AttemptResult(status_code=204), NOW) is None
    assert next_attempt(1, AttemptResult(status_code=410), NOW) is None
    assert next_attempt(1, AttemptResult(error="timeout"), NOW) == NOW + timedelta(seconds=5)


def test_retry_after_is_never_undercut_and_is_capped() -> None:
    asks = AttemptResult(status_code=503, retry_after=timedelta(minutes=2))
    assert next_attempt(1, asks, NOW) == NOW + timedelta(minutes=2)
    assert next_attempt(2, asks, NOW) == NOW + timedelta(minutes=5)  # the schedule waits longer
    too_long = AttemptResult(status_code=429, retry_after=timedelta(days=9))
    assert next_attempt(1, too_long, NOW) == NOW + timedelta(hours=24)
    ignored = AttemptResult(status_code=500, retry_after=timedelta(hours=3))
    assert next_attempt(1, ignored, NOW) == NOW + timedelta(seconds=5)
    assert parse_retry_after("120", NOW) == timedelta(seconds=120)
    assert parse_retry_after("Tue, 01 Dec 2026 09:10:00 GMT", NOW) == timedelta(minutes=10)
    assert parse_retry_after("soon", NOW) is None


def test_lead_events_map_to_webhook_events() -> None:
    lead = make_lead()
    assert webhook_event_of(LeadReceived(**lead_fields(lead))) == "lead.received"
    changed = {"actor": "u", "from_status": LeadStatus.ACCEPTED}
    assert webhook_event_of(LeadEdited(**lead_fields(lead), action=Action.EDIT, **changed)) == "lead.updated"
    closed = LeadArchived(**lead_fields(lead), action=Action.CLOSE_AS_ERROR, **changed)
    assert webhook_event_of(closed) == "lead.closed_as_error"
    aged = LeadArchived(**lead_fields(lead), action=Action.AGE_OUT, **changed)
    assert webhook_event_of(aged) is None


def test_message_ids_follow_their_source() -> None:
    assert message_id(NOW, "bus-1") == message_id(NOW, "bus-1")
    assert message_id(NOW, "bus-1") != message_id(NOW, "bus-2")
    assert message_id(NOW) != message_id(NOW)
    assert message_id(NOW, "x").startswith("msg_") and len(message_id(NOW, "x")) == 30


def test_the_signature_matches_its_definition_and_the_reference_verifier() -> None:
    secret = new_secret()
    key = base64.b64decode(secret.removeprefix("whsec_"))
    assert secret.startswith("whsec_") and len(key) == 32
    body = '{"type":"webhook.test"}'
    headers = signature_headers("msg_1", datetime.now(UTC), body, [secret])
    signed = f"msg_1.{headers['webhook-timestamp']}.{body}".encode()
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == expected
    assert Webhook(secret).verify(body, headers) == {"type": "webhook.test"}


def test_the_specifications_test_vector() -> None:
    """The example of the Standard Webhooks specification, signed by our signing function."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = '{"test": 2432232314}'
    at = datetime.fromtimestamp(1614265330, tz=UTC)
    headers = signature_headers("msg_p5jXN8AQM9LWM0D4loKWxJek", at, body, [secret])
    assert headers["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_lead_body_validates_against_its_published_schema() -> None:
    lead = make_lead()
    body = encode_body(LeadMessage(type="lead.won", timestamp=NOW, data=present(lead, 14)))
    schema = json.loads((PROJECT_ROOT / "docs" / "events" / "webhooks" / "lead.won.json").read_text())
    jsonschema.validate(json.loads(body), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(body) | {"type": "lead.lost"}, schema)


def test_the_subscribable_events_are_every_webhook_event_but_the_test_one() -> None:
    """Two enums (the document shows `webhook.test` as not subscribable): kept in step here."""
    from leaddesk.domain.webhook_messages import LeadEvent, WebhookEvent

    assert {event.value for event in LeadEvent} == {event.value for event in WebhookEvent} - {"webhook.test"}
