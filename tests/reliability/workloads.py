"""The reliability suite's workloads: what is sent, and how every piece of it is accounted for.

Each workload sends its part (`run`) and then proves its part (`account`): nothing lost, nothing
doubled, every failure retried to success or visible in a dead-letter queue with its reason.
Workloads run in the order of `WORKLOADS` (a later one works on what an earlier one made).

Adding a capability — say notifications (SES) or exports (S3) — is adding a workload class here
with `run` (send its events or API actions through the stage) and `account` (e.g. every
`lead.received` of a non-test actionable lead is exactly one sent email, read from moto's SES;
every export job ends `completed` with its object in S3), listing it in `WORKLOADS`, adding its
service to `FaultInjector.services` ("ses", "s3"), and giving the stage its SQS event sources.
"""

from __future__ import annotations

import copy
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from leaddesk.adapters.dynamo.items import item_to_lead
from tests.reliability.harness import Stage

NASTY = "\x00\x1b[31m\u202e"  # control, escape and bidi characters: stored clean, never a failure
QUALIFIED = ("sales_qualified", "marketing_qualified", "shared_marketing", "joint_planning")


@dataclass
class Figures:
    """What the run did and found; `lost`, `doubled`, `stuck` and `wrong` must be 0."""

    lines: list[str] = field(default_factory=list)
    lost: int = 0
    doubled: int = 0
    stuck: int = 0  # never finished: a delivery left `sending`, an export left `running`, an upload open
    wrong: int = 0  # finished against a rule: the volume rule, a digest's list, a file that is not the list
    dead_letters: Counter[str] = field(default_factory=Counter)  # reason → count
    notes: list[str] = field(default_factory=list)  # what each count above is about

    def say(self, line: str) -> None:
        self.lines.append(line)

    def note(self, finding: str) -> None:
        self.notes.append(finding)


# --- ingest -----------------------------------------------------------------------------------
@dataclass
class IngestWorkload:
    """Producers' events on the bus: new leads of every kind, producer retries (same event id),
    repeats of a customer (touchpoints), rejects and a mistyped detail-type (dead letters)."""

    events: int
    seed: int
    partners: int = 10
    originals: dict[str, dict[str, Any]] = field(default_factory=dict)  # event id → PutEvents entry
    repeats: dict[str, str] = field(default_factory=dict)  # repeat's event id → its original's
    bad: dict[str, str] = field(default_factory=dict)  # event id → the field it must be refused on
    emails: dict[str, str] = field(default_factory=dict)  # original's event id → its customer email
    sent: int = 0

    def run(self, stage: Stage) -> None:
        rng = random.Random(self.seed)
        bus = stage.deployment.outputs["EventBusName"]
        entries: list[dict[str, Any]] = []
        while len(entries) < self.events:
            roll, number = rng.random(), len(entries)
            if roll < 0.06 and self.originals:  # a producer retrying PutEvents: the same event id
                entries.append(copy.deepcopy(rng.choice(list(self.originals.values()))))
            elif roll < 0.12 and self.originals:  # the same customer again within 24 h: a touchpoint
                original_id = rng.choice(list(self.originals))
                repeat = copy.deepcopy(self.originals[original_id])
                detail = json.loads(repeat["Detail"])
                detail["event_id"] = f"rel-{number}"
                repeat["Detail"] = json.dumps(detail)
                self.repeats[f"rel-{number}"] = original_id
                entries.append(repeat)
            elif roll < 0.17:
                entries.append(self._bad(rng, number, bus))
            else:
                entry = self._lead(rng, number, bus)
                self.originals[f"rel-{number}"] = entry
                entries.append(entry)
        rng.shuffle(entries)
        producer = stage.client("events")
        for start in range(0, len(entries), 10):
            answer = producer.put_events(Entries=entries[start : start + 10])
            assert answer["FailedEntryCount"] == 0  # the producer's side is not under test
            self.sent += len(entries[start : start + 10])
            if start % 100 == 90:
                stage.pump()  # ingest keeps up with the producers, as Lambda's pollers would
        stage.pump()

    def _lead(self, rng: random.Random, number: int, bus: str) -> dict[str, Any]:
        partner, event_id = f"p-rel-{number % self.partners}", f"rel-{number}"
        # Every 13th customer writes from a disposable domain (spam: a decline never emails them).
        domain = "mailinator.com" if number % 13 == 0 else "contoso.com"
        email = self.emails[event_id] = f"customer{number}@{domain}"
        name = f"Ada{NASTY if number % 9 == 0 else ''}"
        last, phone = f"Lovelace{number}", f"+1 206 555 {number % 10000:04d}"
        kind = rng.choice(["offer", "offer", "informational", "profile", "qualified"])
        if kind in ("offer", "informational"):
            action = "PLT" if kind == "offer" else "INS"
            detail: dict[str, Any] = {
                "UserDetails": {
                    "FirstName": name,
                    "LastName": last,
                    "Email": email,
                    "Phone": phone,
                    "Company": "Contoso",
                    "Country": "US",
                },
                "LeadSource": f"AppSource-{action} | contoso.crm{number % 3}",
                "ActionCode": action,
            }
            detail_type = "Marketplace Lead"
        elif kind == "profile":
            country = ("US", "DE", "FR", "HU")[number % 4]  # the partner's locations cover some
            detail = {
                "customer": {"first_name": name, "email": email, "company": "Contoso", "country": country},
                "need": "a quote",
            }
            detail_type = "Profile Inquiry"
        else:
            detail = {
                "lead_type": QUALIFIED[number % len(QUALIFIED)],
                "customer": {
                    "first_name": name,
                    "last_name": last,
                    "email": email,
                    "phone": phone,
                    "company": "Contoso",
                },
                "estimated_value": 1000 + number,
            }
            if number % 3:  # the referrer is told when nobody answered (expiry)
                detail["referrer"] = {
                    "kind": "operator",
                    "name": "Rita",
                    "email": f"referrer{number}@fabrikam.com",
                }
            if number % 4 == 0:  # the seller's contact receives the new-lead email of seller types
                detail["assigned_contact"] = {"name": "Sam", "email": f"seller{number % 5}@fabrikam.com"}
            elif number % 4 == 1:  # a contact that is no address counts as missing
                detail["assigned_contact"] = {"name": "Sam", "email": "Sam at the Redmond office"}
            detail_type = "Qualified Lead"
        detail |= {"partner_id": partner, "event_id": event_id}
        if number % 19 == 0:
            detail["is_test"] = True  # a test lead: stored and listed, never notified
        return {
            "EventBusName": bus,
            "Source": "reliability",
            "DetailType": detail_type,
            "Detail": json.dumps(detail),
        }

    def _bad(self, rng: random.Random, number: int, bus: str) -> dict[str, Any]:
        event_id = f"rel-{number}"
        choice = rng.choice(["partner_id", "lead_type", "detail-type"])
        self.bad[event_id] = choice
        detail: dict[str, Any] = {"event_id": event_id, "customer": {"email": f"bad{number}@contoso.com"}}
        detail_type = "Qualified Lead"
        if choice != "partner_id":
            detail["partner_id"] = "p-rel-0"
        if choice == "lead_type":
            detail["lead_type"] = "cold_call"
        if choice == "detail-type":
            detail_type = "Qualified lead"  # a typo no rule names: dead-lettered, not dropped
            detail["lead_type"] = "sales_qualified"
        return {
            "EventBusName": bus,
            "Source": "reliability",
            "DetailType": detail_type,
            "Detail": json.dumps(detail),
        }

    def account(self, stage: Stage, figures: Figures) -> None:
        from tests.helpers.bus import drain

        letters = drain(stage.deployment.outputs["IngestDeadLetterQueueUrl"], stage.endpoint_url)
        exhausted = []
        for letter in letters:
            reason = letter["_attributes"].get("leaddesk-reason")
            field_name = letter["_attributes"].get("leaddesk-field")
            event_id = (letter.get("detail") or {}).get("event_id")
            if reason is None:  # moved by the redrive policy after 5 failed receives: an operator redrives it
                exhausted.append(letter)
                figures.dead_letters["retries exhausted (redriven)"] += 1
                continue
            assert self.bad.get(event_id) == field_name, (event_id, field_name, reason)
            figures.dead_letters[f"{field_name}: {reason.split(':')[0]}"] += 1
        if exhausted:  # what an operator does: `leaddesk dlq redrive --all`, then ingest again
            sqs = stage.client("sqs")
            ingest_url = stage.queue_url("IngestQueue")
            for letter in exhausted:
                body = {k: v for k, v in letter.items() if k != "_attributes"}
                sqs.send_message(QueueUrl=ingest_url, MessageBody=json.dumps(body))
            stage.pump()
        refused = set(self.bad) - {
            (letter.get("detail") or {}).get("event_id")
            for letter in letters
            if letter["_attributes"].get("leaddesk-reason")
        }
        figures.lost += len(refused)  # a bad event that is neither a lead nor a dead letter: silence

        leads = _stored_leads(stage)
        by_email = Counter(lead["customer"]["email"] for lead in leads)
        expected = set(self.emails.values())
        figures.lost += len(expected - set(by_email))
        figures.doubled += sum(count - 1 for count in by_email.values() if count > 1)
        figures.doubled += len(set(by_email) - expected)
        touches = sum(lead.get("_touch_count", 1) for lead in leads)
        figures.lost += max(0, len(self.originals) + len(self.repeats) - touches)
        figures.doubled += max(0, touches - len(self.originals) - len(self.repeats))
        assert all("\x00" not in lead["customer"]["first_name"] for lead in leads)

        announced = {e["detail"]["lead_id"] for e in stage.captured() if e["detail-type"] == "lead.received"}
        missing = {lead["lead_id"] for lead in leads} - announced
        figures.lost += len(missing)  # a lead without its lead.received
        figures.say(
            f"ingest: {self.sent} events sent ({len(self.originals)} new leads, {len(self.repeats)} repeats, "
            f"{self.sent - len(self.originals) - len(self.repeats) - len(self.bad)} producer retries, "
            f"{len(self.bad)} bad); {len(leads)} leads stored, {touches - len(leads)} touchpoints, "
            f"{len(exhausted)} redriven after retries exhausted"
        )


def _entry(bus: str, detail_type: str, detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "EventBusName": bus,
        "Source": "reliability",
        "DetailType": detail_type,
        "Detail": json.dumps(detail),
    }


def take_all(sqs: Any, url: str) -> list[dict[str, Any]]:
    """Every message of a queue, removed from it, bodies and attributes as they are."""
    taken: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=0
        ).get("Messages", [])
        if not messages:
            return taken
        for message in messages:
            taken.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def redrive_exhausted(stage: Stage, dead_letter_queue: str, queue: str) -> tuple[int, list[dict[str, Any]]]:
    """Letters a queue's redrive policy moved (no reason: retries exhausted) go back to the queue,
    as an operator would move them (`aws sqs start-message-move-task`), and the event sources run
    again, until no such letter is left (five rounds at most). Letters with a reason are kept for
    the account. (The number moved, the letters kept.)"""
    sqs = stage.client("sqs")
    dlq, url = stage.queue_url(dead_letter_queue), stage.queue_url(queue)
    moved, kept = 0, []
    for _ in range(5):
        this_round = 0
        for message in take_all(sqs, dlq):
            if "leaddesk-reason" in message.get("MessageAttributes", {}):
                kept.append(message)
                continue
            sqs.send_message(QueueUrl=url, MessageBody=message["Body"])
            this_round += 1
        moved += this_round
        if not this_round:
            break
        stage.pump()
    return moved, kept


def table_items(stage: Stage) -> list[dict[str, Any]]:
    """Every item of the table, as DynamoDB holds it (read with the suite's own client)."""
    db, found = stage.client("dynamodb"), []
    request: dict[str, Any] = {"TableName": stage.deployment.refs["LeadsTable"]}
    while True:
        answer = db.scan(**request)
        found += answer["Items"]
        if "LastEvaluatedKey" not in answer:
            return found
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def _stored_leads(stage: Stage) -> list[dict[str, Any]]:
    """Every lead item of every partner (the store's view, with its touch count)."""
    db, found = stage.client("dynamodb"), []
    request: dict[str, Any] = {"TableName": stage.deployment.refs["LeadsTable"]}
    while True:
        answer = db.scan(**request)
        for item in answer["Items"]:
            if item["SK"]["S"].startswith("L#"):
                lead = item_to_lead(item).model_dump(mode="json")
                lead["_touch_count"] = int(item.get("touch_count", {"N": "1"})["N"])
                found.append(lead)
        if "LastEvaluatedKey" not in answer:
            return found
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
